"""Starting a county of its own: `gongshi init` (a new repository from a unit list) and `gongshi publish` (releases on a web server)."""
