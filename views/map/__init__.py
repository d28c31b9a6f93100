"""The border map and the small page maps, built with folium (presentation; no Streamlit).

assets: the files the browser loads; basemaps: tile choices; styles: colours and symbols read
from the catalogue; layers: what each layer sends to the browser; elements: the folium glue
that calls static/pkir.js; legend; build: the main map; page_maps: the pipeline and markets maps.
"""
