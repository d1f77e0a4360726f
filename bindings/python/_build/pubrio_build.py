"""A PEP 517 build backend for a one-package, pure-Python project: builds
the wheel (and an sdist) with the standard library alone, so installing
needs no download. pubrio/__version__ is the version."""
import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAME = "pubrio"
SUMMARY = ("Python bindings for libpubrio, the C client for Pubrio's batch "
           "redeem API")


def _version():
    with open(os.path.join(HERE, NAME, "__init__.py"), encoding="utf-8") as f:
        return re.search(r'^__version__ = "([^"]+)"', f.read(), re.M).group(1)


def _package_files():
    root = os.path.join(HERE, NAME)
    for name in sorted(os.listdir(root)):
        if name.endswith(".py") or name == "py.typed":
            yield os.path.join(NAME, name), os.path.join(root, name)


def _metadata(version):
    return ("Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: %s\n"
            "License: Apache-2.0\nRequires-Python: >=3.8\n"
            % (NAME, version, SUMMARY))


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None,
                metadata_directory=None):
    version = _version()
    dist_info = "%s-%s.dist-info" % (NAME, version)
    wheel_name = "%s-%s-py3-none-any.whl" % (NAME, version)
    files = []
    for arcname, path in _package_files():
        with open(path, "rb") as f:
            files.append((arcname, f.read()))
    files.append((dist_info + "/METADATA", _metadata(version).encode()))
    files.append((dist_info + "/WHEEL",
                  b"Wheel-Version: 1.0\nGenerator: pubrio_build\n"
                  b"Root-Is-Purelib: true\nTag: py3-none-any\n"))
    record = io.StringIO()
    for arcname, data in files:
        digest = base64.urlsafe_b64encode(
            hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.write("%s,sha256=%s,%d\n" % (arcname, digest, len(data)))
    record.write(dist_info + "/RECORD,,\n")
    files.append((dist_info + "/RECORD", record.getvalue().encode()))
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel_name), "w",
                         zipfile.ZIP_DEFLATED) as whl:
        for arcname, data in files:
            whl.writestr(arcname, data)
    return wheel_name


def build_sdist(sdist_directory, config_settings=None):
    version = _version()
    base = "%s-%s" % (NAME, version)
    name = base + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as tar:
        for rel in ("pyproject.toml", "_build/pubrio_build.py"):
            tar.add(os.path.join(HERE, rel), arcname=base + "/" + rel)
        for arcname, path in _package_files():
            tar.add(path, arcname=base + "/" + arcname)
        info = tarfile.TarInfo(base + "/PKG-INFO")
        meta = _metadata(version).encode()
        info.size = len(meta)
        tar.addfile(info, io.BytesIO(meta))
    return name
