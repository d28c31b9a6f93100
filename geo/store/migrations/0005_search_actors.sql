-- Rows kept from an import before this version had a keyword text without their actors
-- (geo.store.postgis.stored_search_text now adds them): add them, as the pandas filter searches them.
UPDATE incidents
SET search = search || ' ' || lower((SELECT string_agg(a, ' ') FROM jsonb_array_elements_text(actors) AS a))
WHERE jsonb_typeof(actors) = 'array' AND jsonb_array_length(actors) > 0
  AND position(lower((SELECT string_agg(a, ' ') FROM jsonb_array_elements_text(actors) AS a)) IN search) = 0;
