"""Kept datasets that update themselves from the ACLED and UCDP APIs (issue 25, section 2).

    python -m scripts.sync acled --keep "ACLED PAK-IRN" --country Pakistan --country Iran
    python -m scripts.sync ucdp --keep "UCDP GED" --country Pakistan --country Iran --version 25.1

http.py speaks HTTP with the standard library and turns every failure into one SyncError line;
acled.py and ucdp.py are the two API clients (the endpoint shapes they rely on are in their
docstrings); state.py keeps what a sync needs next time (workspace file or team table); run.py
passes the rows through the file importers and saves them in one all-or-nothing save; age.py
words how old a kept dataset is for the sidebar.
"""
