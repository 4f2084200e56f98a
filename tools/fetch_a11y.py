"""Fetch the accessibility checkers from the npm registry, pinned and integrity-checked.

    python tools/fetch_a11y.py [DEST]     # default: .tools/

- vnu-jar: the Nu HTML checker (run with Java: ``java -jar DEST/vnu.jar``)
- axe-core: ``DEST/axe.min.js``, injected into Chromium by the browser tests

No npm is needed: the package tarballs are read straight from the registry and checked against
the ``dist.integrity`` hashes pinned below.
"""

from __future__ import annotations

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

PACKAGES = {
    # name: (version, integrity, file inside the package, saved as)
    "vnu-jar": (
        "26.9.27",
        "sha512-TkQd5DFfOaWC9ebtvozTsrH2Vaod3jYg+vrOeREzIXxBexLz9+rS2DNtjn7+RPUiZhgli0SghgBX6RJRNea0KA==",
        "package/build/dist/vnu.jar",
        "vnu.jar",
    ),
    "axe-core": (
        "4.14.1",
        "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
        "package/axe.min.js",
        "axe.min.js",
    ),
}


def fetch(dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for name, (version, integrity, member, saved) in PACKAGES.items():
        target = dest / saved
        stamp = dest / f"{saved}.version"
        if target.exists() and stamp.exists() and stamp.read_text() == version:
            continue
        url = f"https://registry.npmjs.org/{name}/-/{name}-{version}.tgz"
        data = urllib.request.urlopen(url, timeout=120).read()
        digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
        if digest != integrity:
            raise SystemExit(f"{name} {version}: integrity mismatch")
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            extracted = archive.extractfile(member)
            if extracted is None:
                raise SystemExit(f"{name} {version}: {member} missing")
            target.write_bytes(extracted.read())
        stamp.write_text(version)
        print(f"{name} {version} → {target}")


if __name__ == "__main__":
    fetch(Path(sys.argv[1] if len(sys.argv) > 1 else ".tools"))
