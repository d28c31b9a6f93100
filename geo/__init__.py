"""Pure-Python core of the border dashboard: layers, schemas, validation, analysis, imports and the store.

Nothing in this package imports Streamlit; the app's glue lives in ui/ and pages/.
"""
