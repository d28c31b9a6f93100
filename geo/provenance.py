"""Layer provenance read from geo/data/README.md, validation status, and how to cite the dashboard.

The README holds, per layer, a heading "## <layer id> — <Title>" followed by bullets
"- **Source:** …", "- **Licence:** …", "- **Date:** …", "- **Method:** …", "- **Known limits:** …".
A bullet may run on over indented lines. The sources page renders these (HTML in views.provenance);
nothing is written twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from geo.validation import ValidationReport

FIELDS = ("Source", "Licence", "Date", "Method", "Known limits")
README = Path(__file__).resolve().parent / "data" / "README.md"

_HEADING = re.compile(r"^##\s+(?P<id>[A-Za-z0-9_\-]+)\s+[—–-]+\s+(?P<title>.+?)\s*#*\s*$")
_BULLET = re.compile(r"^[-*+]\s+\*\*(?P<label>[^*]+?)\s*:?\s*\*\*\s*:?\s*(?P<text>.*)$")
MD_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<url>[^)\s]+)\)")
MD_BOLD = re.compile(r"\*\*(.+?)\*\*")
MD_CODE = re.compile(r"`([^`]+)`")


@dataclass
class LayerProvenance:
    """Where a layer comes from: source, licence, date and method, from the data README."""

    layer_id: str
    title: str
    fields: dict[str, str] = field(default_factory=dict)  # label as written -> text (markdown)

    def get(self, label: str) -> str | None:
        """A field by label, ignoring case and British/American spelling of licence."""
        want = _norm(label)
        for key, text in self.fields.items():
            if _norm(key) == want:
                return text
        return None

    def documented(self) -> list[tuple[str, str]]:
        """(label, markdown text) of every filled field: the five standard ones first, then the rest."""
        standard = [(f, self.get(f) or "") for f in FIELDS if self.get(f)]
        wanted = {_norm(f) for f in FIELDS}
        return standard + [(k, v) for k, v in self.fields.items() if _norm(k) not in wanted]

    def missing(self) -> list[str]:
        """The provenance fields the data README leaves empty for this layer."""
        return [f for f in FIELDS if not self.get(f)]


def _norm(label: str) -> str:
    return label.strip().lower().replace("license", "licence")


def parse_readme(text: str) -> dict[str, LayerProvenance]:
    """Layer sections of the data README, keyed by layer id, in the order written.

    Level-2 headings that do not look like "<id> — <Title>" end the current section and are
    skipped (e.g. an introduction or "How to rebuild").
    """
    out: dict[str, LayerProvenance] = {}
    current: LayerProvenance | None = None
    label: str | None = None
    after_blank = False
    for raw in text.splitlines():
        line = raw.rstrip()
        indented = raw.startswith((" ", "\t"))
        if line.startswith("#"):
            label = None
            m = _HEADING.match(line) if line.startswith("## ") else None
            if m:
                current = LayerProvenance(m["id"], m["title"].strip())
                out[current.layer_id] = current
            elif line.startswith(("## ", "# ")):
                current = None
            continue
        if not line.strip():
            after_blank = True
            continue
        blank_before, after_blank = after_blank, False
        if current is None:
            continue
        m = None if indented else _BULLET.match(line)
        if m:
            label = m["label"].strip()
            current.fields[label] = m["text"].strip()
        elif label and (indented or (not blank_before and not re.match(r"^[-*+]\s", line))):
            # an indented line, or a lazy continuation right under the bullet
            current.fields[label] = (current.fields[label] + " " + line.strip()).strip()
        else:  # a paragraph or another kind of bullet ends the running field
            label = None
    return out


def read_readme(path: str | Path | None = None) -> dict[str, LayerProvenance]:
    """Parse the data README; an absent file gives an empty mapping."""
    path = Path(path) if path else README
    try:
        return parse_readme(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


@dataclass(frozen=True)
class Status:
    """Live validation status of a layer: "ok", "notes", "warnings" or "error"."""

    level: str
    messages: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """A short word for the status, shown beside the layer."""
        n = len(self.messages)
        return {"ok": "ok", "notes": f"ok, {n} note(s)", "warnings": f"{n} warning(s)", "error": "error: not loaded"}[
            self.level
        ]


def validation_status(error: str | None, report: ValidationReport | None) -> Status:
    """The status shown for a layer from its load error or validation report."""
    if error:
        return Status("error", (error,))
    if report is None:
        return Status("ok")
    if report.warnings or report.rejected:
        return Status("warnings", tuple(report.warnings) + tuple(report.rejected))
    if report.notes:
        return Status("notes", tuple(report.notes))
    return Status("ok")


TITLE = "Pakistan–Iran border dashboard"


def citation(version: str, data_date: str | None, accessed: str, url: str | None = None) -> tuple[str, str]:
    """A plain-text citation and a BibTeX entry for the dashboard.

    data_date: the newest 'updated_at' of the shipped layers; url: where the reader found it,
    if the deployment knows (never guessed).
    """
    year = (data_date or accessed)[:4]
    where = f" {url}." if url else ""
    text = (
        f"{TITLE} contributors ({year}). {TITLE} (version {version}; data of "
        f"{data_date or 'unknown date'}) [open-source software, MIT; data compilation CC BY 4.0; "
        f"boundaries from Natural Earth, public domain].{where} Accessed {accessed}."
    )
    fields = [
        ("author", f"{{{TITLE} contributors}}"),
        ("title", f"{{{TITLE}}}"),
        ("version", f"{{{version}}}"),
        ("year", f"{{{year}}}"),
        (
            "note",
            f"{{Data of {data_date or 'unknown date'}; software MIT, data compilation CC BY 4.0, "
            f"boundaries Natural Earth (public domain). Accessed {accessed}}}",
        ),
    ]
    if url:
        fields.insert(4, ("url", f"{{{url}}}"))
    body = ",\n".join(f"  {k} = {v}" for k, v in fields)
    return text, f"@software{{pkir_border_dashboard_{year},\n{body}\n}}"


def layer_file(layer_id: str) -> Path:
    """The file a layer is loaded from (honours PKIR_DATA_DIR), for downloads."""
    from geo.catalog import LAYERS
    from geo.loading import layer_path

    return layer_path(LAYERS[layer_id])


def feature_counts(gdf) -> tuple[int, int]:
    """(features, features without a location) of a loaded layer."""
    if gdf is None:
        return 0, 0
    geoms = gdf.geometry
    missing = int(sum(g is None or g.is_empty for g in geoms))
    return len(gdf), missing


def newest_update(frames) -> str | None:
    """The latest 'updated_at' (ISO date) across layers, or None when no layer carries one."""
    dates = []
    for gdf in frames:
        if gdf is not None and "updated_at" in gdf.columns:
            dates += [str(v)[:10] for v in gdf["updated_at"] if isinstance(v, str) and v.strip()]
    return max(dates) if dates else None


def project_version(pyproject: str | Path | None = None) -> str:
    """The version in pyproject.toml's [project] table ("unknown" if it cannot be read)."""
    path = Path(pyproject) if pyproject else Path(__file__).resolve().parents[1] / "pyproject.toml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return "unknown"
    section = re.search(r"^\[project\]\s*$(.*?)(?=^\[|\Z)", text, re.MULTILINE | re.DOTALL)
    found = re.search(r'^version\s*=\s*"([^"]+)"', section.group(1), re.MULTILINE) if section else None
    return found.group(1) if found else "unknown"


def plain_text(text: str | None) -> str:
    """README markdown as plain text: link texts kept, emphasis and code marks dropped."""
    if not text:
        return ""
    out = MD_LINK.sub(lambda m: m["text"], text)
    out = MD_BOLD.sub(r"\1", out)
    return MD_CODE.sub(r"\1", out)


def other_sections(text: str) -> list[tuple[str, str]]:
    """The README's level-2 sections that are not layer sections, as (heading, markdown body).

    The body is for st.markdown without HTML: raw HTML stays inert there; dollar signs are
    escaped so that no LaTeX is typeset.
    """
    out: list[tuple[str, str]] = []
    heading: str | None = None
    body: list[str] = []
    for line in [*text.splitlines(), "## "]:
        if line.startswith("## ") or line.startswith("# "):
            if heading is not None:
                out.append((heading, "\n".join(body).strip().replace("$", "\\$")))
            title = line[3:].strip() if line.startswith("## ") else ""
            heading = title if title and not _HEADING.match(line) else None
            body = []
        elif heading is not None:
            body.append(line)
    return out
