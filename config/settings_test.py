"""Settings for the test suite: the real settings with fast hashing and immediate tasks."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher"
]  # speed; argon2 has its own test
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# Never the installation's own checkpoints (each test gets a file of its own: conftest.py).
GONGKAI_AUDIT_CHECKPOINT_FILE = VAR_DIR / "test-audit-checkpoints.jsonl"  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Let the test runner TRUNCATE the audit table between tests; UPDATE and DELETE stay refused.
    DATABASES["default"]["OPTIONS"] = {"options": "-c gongkai.allow_audit_truncate=on"}  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: tests of concurrent writers need real separate connections.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-gongkai.sqlite3")}  # noqa: F405
