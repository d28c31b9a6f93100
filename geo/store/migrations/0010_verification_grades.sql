-- Verification grades (geo.grades, issue 24): the grade, who claims and who denies, the number of
-- independent sources and the reason in words. Rows kept before this version have NULL, which every
-- reader takes as "ungraded".
ALTER TABLE incidents
    ADD COLUMN IF NOT EXISTS grade text,
    ADD COLUMN IF NOT EXISTS claimed_by text,
    ADD COLUMN IF NOT EXISTS denied_by text,
    ADD COLUMN IF NOT EXISTS independent_sources bigint,
    ADD COLUMN IF NOT EXISTS grade_reason text;
