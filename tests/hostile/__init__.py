"""A hostile corpus: text payloads for every field and data-folder attacks, shared by the tests."""
