import os
from pathlib import Path

UPLOAD_DIR = Path(os.getenv("BLOG_UPLOAD_DIR", Path(__file__).resolve().parent.parent / "uploads"))
MAX_UPLOAD_BYTES = int(os.getenv("BLOG_MAX_UPLOAD_BYTES", str(5 * 1024 * 1024)))

# A single demo account; a real blog would keep users in a database.
ADMIN_USERNAME = os.getenv("BLOG_ADMIN_USERNAME", "admin")
ADMIN_PASSWORD = os.getenv("BLOG_ADMIN_PASSWORD", "admin")

SESSION_COOKIE = "blog_session"
SESSION_MAX_AGE = 60 * 60 * 24 * 7
