"""The incident schema (declared in geo.schema with the other layers) and its stored form: one plain
typed column per field, lists as JSON text, the point as lon/lat where a query returns it."""

from __future__ import annotations

from geo.schema import CATEGORIES as CATEGORIES
from geo.schema import INCIDENT_CATEGORIES as INCIDENT_CATEGORIES
from geo.schema import INCIDENTS as INCIDENTS

KEY = "id"  # the source id: ACLED event_id_cnty, UCDP "UCDP-<id>", the curated "PKIR-..."
COLUMNS = tuple(INCIDENTS.field_names())
FIELDS = {f.name: f for f in INCIDENTS.fields}
JSON_COLUMNS = tuple(f.name for f in INCIDENTS.fields if f.kind in ("str_list", "sources"))
DATE_COLUMNS = tuple(INCIDENTS.date_fields)
INT_COLUMNS = tuple(f.name for f in INCIDENTS.fields if f.kind == "int")
FLOAT_COLUMNS = tuple(f.name for f in INCIDENTS.fields if f.kind == "float")
BOOL_COLUMNS = tuple(f.name for f in INCIDENTS.fields if f.kind == "bool")
GEOMETRY = "geometry"
POINT = ("lon", "lat")  # the point as two columns: what a map draws, no geometry object

# The pkir.incidents column type of each stored kind (geo/store/migrations; tests/test_incident_home.py
# checks every field has its column)
TABLE_TYPES = {"float": "double precision", "date": "timestamp", "int": "bigint", "bool": "boolean", "text": "text"}


def column_kind(name: str) -> str:
    """How a stored column (or lon/lat) is typed in SQL: 'float', 'date', 'int', 'bool' or 'text'."""
    if name in POINT or name in FLOAT_COLUMNS:
        return "float"
    if name in DATE_COLUMNS:
        return "date"
    if name in INT_COLUMNS:
        return "int"
    if name in BOOL_COLUMNS:
        return "bool"
    return "text"


def table_type(name: str) -> str:
    """The SQL type of a field's column in pkir.incidents (JSON columns are jsonb)."""
    return "jsonb" if name in JSON_COLUMNS else TABLE_TYPES[column_kind(name)]
