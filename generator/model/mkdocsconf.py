"""Reading one option of the gongshi plugin from a mkdocs.yml text without loading MkDocs.

Tags such as ``!ENV`` or ``!!python/name`` stand for nothing here: the CLI and the history check
only need the plugin's own plain options (``data_dir``).
"""

from __future__ import annotations

from typing import Any

import yaml


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def plugin_option(text: str, name: str) -> Any:
    """The gongshi plugin's option ``name`` in the mkdocs.yml ``text``, or None (also when the
    text is no valid YAML: MkDocs itself says why when it reads the file)."""
    try:
        config = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError:
        return None
    plugins = config.get("plugins") if isinstance(config, dict) else None
    for entry in plugins if isinstance(plugins, list) else [plugins] if isinstance(plugins, dict) else []:
        if isinstance(entry, dict) and isinstance(entry.get("gongshi"), dict):
            return entry["gongshi"].get(name)
    return None
