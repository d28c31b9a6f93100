"""Browser tests (Playwright + Debian Chromium); a package so test file names may repeat elsewhere."""
