"""Exchange: exports (CSV, XLSX, JSON package) and the import of packages."""

from app.web.exchange.views import bp

__all__ = ["bp"]
