"""Declared schemas: which properties each layer must carry, of which type, and which
geometry types and CRS it accepts. Validation (geo.validation) enforces them."""

from __future__ import annotations

from dataclasses import dataclass, field

# Controlled vocabularies shared by the layers.
LOCATION_PRECISION = (
    "exact",
    "town",
    "near",
    "approximate",
    "district",
    "province",
    "border area",
    "country",
    "generalised",
    "indicative",
    "unlocated",
)
# Precisions where the point is not the site itself: drawn hollow / ringed on the map.
APPROXIMATE_LOCATIONS = frozenset(LOCATION_PRECISION) - {"exact"}
DATE_PRECISION = ("day", "day (approx.)", "days", "week", "month", "year")
TRACKS = ("security", "diplomacy", "infrastructure & trade")


@dataclass(frozen=True)
class Category:
    """One incident category: its name in the data, map colour, chronology track, legend label."""

    name: str
    colour: str
    track: str | None  # None: the record's own track decides (see geo.chronology)
    violent: bool = False  # an act of armed violence (attacks, strikes, clashes)

    @property
    def label(self) -> str:
        """How the legend and charts name the category."""
        return self.name[0].upper() + self.name[1:]


# The one category vocabulary: the schema, map, legend, chronology, importers and benchmarks read it.
CATEGORIES = (
    Category("attack", "#d7191c", "security", violent=True),
    Category("bombing/IED", "#7f0000", "security", violent=True),
    Category("armed clash", "#f46d43", "security", violent=True),
    Category("cross-border attack", "#c51b7d", "security", violent=True),
    Category("cross-border strike", "#8e0152", "security", violent=True),
    Category("air/drone strike", "#de77ae", "security", violent=True),
    Category("shelling/artillery", "#a50026", "security", violent=True),
    Category("abduction", "#fdae61", "security"),
    Category("arrest", "#e6ab02", "security"),
    Category("security (other)", "#fc8d59", "security"),
    Category("protest", "#8c510a", "security"),
    Category("riot", "#bf812d", "security"),
    Category("diplomatic", "#2166ac", "diplomacy"),
    Category("agreement", "#4393c3", "diplomacy"),
    Category("designation", "#542788", "diplomacy"),
    Category("policy decision", "#8073ac", "infrastructure & trade"),
    Category("inauguration", "#1a9850", "infrastructure & trade"),
    Category("pipeline milestone", "#66bd63", "infrastructure & trade"),
    Category("other", "#737373", None),
)
CATEGORY = {c.name: c for c in CATEGORIES}
INCIDENT_CATEGORIES = tuple(CATEGORY)
OTHER_CATEGORY = CATEGORY["other"]


@dataclass(frozen=True)
class Grade:
    """One verification grade: its name in the data, what it means, and how the map marks it."""

    name: str
    meaning: str
    colour: str  # in charts split by grade
    ring: bool  # drawn as a ring (hollow mark): the account rests on one source, a party's claim, or conflicts

    @property
    def label(self) -> str:
        """How the legend, filter and charts name the grade."""
        return self.name[0].upper() + self.name[1:]


# The one grade vocabulary (issue 24), strongest first; geo.grades derives them, the filter, legend,
# table, exports and charts read it. A row without a grade (kept before grades existed) is "ungraded".
GRADES = (
    Grade("confirmed", "an official or on-site account that the other side does not dispute", "#1b7837", ring=False),
    Grade("corroborated", "two or more independent outlets report it", "#5aae61", ring=False),
    Grade("single source", "one outlet reports it", "#9970ab", ring=True),
    Grade("claimed", "what is known rests on a claim by a party to it (named in claimed_by)", "#e08214", ring=True),
    Grade("disputed", "the parties' accounts conflict (who says what: in the grade's reason)", "#b2182b", ring=True),
    Grade("ungraded", "no source information to grade it by (never guessed)", "#969696", ring=False),
)
GRADE = {g.name: g for g in GRADES}
GRADE_NAMES = tuple(GRADE)
UNGRADED = "ungraded"


@dataclass(frozen=True)
class Field:
    """One property of a feature.

    kind: str, int, float, bool, date (ISO yyyy-mm-dd), str_list, sources.
    """

    name: str
    kind: str = "str"
    nullable: bool = False
    choices: tuple[str, ...] = ()
    required: bool = True  # the column must exist in the file


@dataclass(frozen=True)
class LayerSchema:
    """The declared properties of one layer: names, types, which are required."""

    fields: tuple[Field, ...]
    geometry_types: tuple[str, ...]
    id_field: str = "id"
    # Features whose location_precision is "unlocated" may have no geometry.
    allow_unlocated: bool = False
    # (min_lon, min_lat, max_lon, max_lat) where this layer's features are expected;
    # a point outside it whose swapped coordinates fall inside is reported as swapped.
    region: tuple[float, float, float, float] = (40.0, 15.0, 80.0, 45.0)
    date_fields: tuple[str, ...] = field(default=())

    def field_names(self) -> list[str]:
        """The property names in declared order."""
        return [f.name for f in self.fields]


def _common(*extra: Field, dated: bool = False) -> tuple[Field, ...]:
    base = [
        Field("id"),
        *extra,
        Field("location_precision", choices=LOCATION_PRECISION),
        Field("location_note", nullable=True),
        Field("sources", "sources"),
        Field("dataset", nullable=True, required=False),
        Field("licence", nullable=True, required=False),
        Field("updated_at", "date", nullable=True, required=False),
    ]
    if dated:
        base.insert(1, Field("date_precision", nullable=True, choices=DATE_PRECISION))
        base.insert(2, Field("date_note", nullable=True, required=False))
    return tuple(base)


POLYGONS = ("Polygon", "MultiPolygon")
LINES = ("LineString", "MultiLineString")

PROVINCES = LayerSchema(
    _common(
        Field("name"),
        Field("name_source"),
        Field("country"),
        Field("adm1_code"),
        Field("code_hasc"),
        Field("area_reported_km2", "float", nullable=True),
    ),
    POLYGONS,
)
COUNTRIES = LayerSchema(_common(Field("name"), Field("iso_numeric")), POLYGONS)
# Balochistan's districts and Sistan and Baluchestan's counties (scripts/build_districts.py).
DISTRICTS = LayerSchema(
    _common(
        Field("name"),
        Field("name_local", nullable=True),
        Field("country", choices=("PAK", "IRN")),
        Field("province"),
        Field("population", "int", nullable=True),
        Field("population_year", "int", nullable=True),
        Field("source_id"),
        Field("wikidata", nullable=True, required=False),
    ),
    POLYGONS,
)
BORDER = LayerSchema(
    _common(
        Field("name"),
        Field("length_reported_km", "float", nullable=True),
        Field("length_note", nullable=True, required=False),
    ),
    LINES,
)
MARKETS = LayerSchema(
    _common(
        Field("name"),
        Field("phase", "int"),
        Field("pakistan_side"),
        Field("iran_side"),
        Field("status", choices=("operating", "partly operating", "planned", "closed")),
        Field("status_note", nullable=True),
        Field("opened", "date", nullable=True),
        Field("details", nullable=True),
        dated=True,
    ),
    ("Point",),
    allow_unlocated=True,
    date_fields=("opened",),
)
CROSSINGS = LayerSchema(
    _common(
        Field("name"),
        Field("pakistan_side"),
        Field("iran_side"),
        Field("kind", choices=("official", "trade", "local")),
        Field("status_note", nullable=True),
        Field("opened", "date", nullable=True),
        dated=True,
    ),
    ("Point",),
    allow_unlocated=True,
    date_fields=("opened",),
)
_LINE_FIELDS = (
    Field("seq", "int"),
    Field("name"),
    Field("section"),
    Field("status"),
    Field("length_reported_km", "float", nullable=True),
    Field("date", "date", nullable=True),
    Field("note", nullable=True),
)
PIPELINE = LayerSchema(
    _common(
        *_LINE_FIELDS,
        Field("diameter_in", "float", nullable=True),
        Field("capacity", nullable=True),
        Field("length_reported_text", nullable=True),
        Field("status_note", nullable=True),
        dated=True,
    ),
    ("LineString",),
    date_fields=("date",),
)
POWER_LINE = LayerSchema(
    _common(
        *_LINE_FIELDS,
        Field("voltage_kv", "float", nullable=True),
        Field("capacity_mw", "float", nullable=True),
        Field("capacity_note", nullable=True),
        dated=True,
    ),
    ("LineString",),
    date_fields=("date",),
)
TOWNS = LayerSchema(
    _common(
        Field("name"),
        Field("country"),
        Field("admin1", nullable=True),
        Field("admin2", nullable=True),
        Field("relevance", nullable=True),
    ),
    ("Point",),
)
_INT: dict = {"kind": "int", "nullable": True}
INCIDENTS = LayerSchema(
    _common(
        Field("title"),
        Field("category", choices=INCIDENT_CATEGORIES),
        Field("track", choices=TRACKS, required=False, nullable=True),
        Field("date_start", "date"),
        Field("date_end", "date"),
        Field("country"),
        Field("admin1", nullable=True),
        Field("admin2", nullable=True),
        Field("place", nullable=True),
        Field("coord_confidence", nullable=True, required=False),
        Field("fatalities_best", **_INT),
        Field("fatalities_low", **_INT, required=False),
        Field("fatalities_high", **_INT, required=False),
        Field("fatalities_security", **_INT),
        Field("fatalities_militants", **_INT),
        Field("fatalities_civilians", **_INT),
        Field("fatalities_unknown", **_INT, required=False),
        Field("fatalities_note", nullable=True, required=False),
        Field("injured", **_INT, required=False),
        Field("injured_note", nullable=True, required=False),
        Field("actors", "str_list"),
        Field("perpetrator", nullable=True),
        Field("description"),
        Field("disputed", nullable=True),
        # verification (geo.grades): missing in data kept before it existed, read as "ungraded"
        Field("grade", nullable=True, required=False, choices=GRADE_NAMES),
        Field("claimed_by", nullable=True, required=False),
        Field("denied_by", nullable=True, required=False),
        Field("independent_sources", **_INT, required=False),
        Field("grade_reason", nullable=True, required=False),
        Field("alt_place", nullable=True, required=False),
        Field("alt_lat", "float", nullable=True, required=False),
        Field("alt_lon", "float", nullable=True, required=False),
        Field("in_source_article", "bool", nullable=True, required=False),
        dated=True,
    ),
    ("Point",),
    allow_unlocated=True,
    date_fields=("date_start", "date_end"),
)
