"""Web addresses of the articles and of the places they name (config/article_links.yml)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict

from bot.config import REPO_ROOT, read_config_file

LINKS_PATH = REPO_ROOT / "config" / "article_links.yml"
ARTICLE = "article"


@lru_cache(maxsize=8)
def _load(path: Path) -> Dict[str, Dict[str, str]]:
    data = read_config_file(path) if Path(path).is_file() else None
    return {str(slug): {str(name): str(url) for name, url in (links or {}).items()}
            for slug, links in (data or {}).items()}


def article_links(slug: str, path: Path = LINKS_PATH) -> Dict[str, str]:
    """name -> URL for one job slug; `ARTICLE` names the article itself. Empty when not configured."""
    return dict(_load(Path(path)).get(slug, {}))
