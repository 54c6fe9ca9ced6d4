"""Files published beside the pages: open data, the manifest, feeds and printed notices."""
