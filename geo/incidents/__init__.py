"""The incident table's one home: what geo.importers produce and geo.store keeps.

    schema    the declared fields (geo.schema.INCIDENTS) and the stored form's column kinds and SQL types
    codec     the one codec between the loaded frame, the stored/Arrow form and SQL rows
    compact   an import's rows held in the stored form, texts in Arrow, until they are used
    criteria  the filter's criteria: each once, with its pandas mask, DuckDB SQL, PostGIS SQL and columns

geo.importers and geo.store both stand on this package and never import each other
(tests/test_incident_home.py scans for it).
"""
