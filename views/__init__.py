"""Presentation built from geo results, no Streamlit: the pages' view-models (the explorer's table, the
chronology's marks, the pipeline and markets tables and prose), folium maps, Altair charts, record HTML."""
