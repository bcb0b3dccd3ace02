"""Hosted zoo entries: hf:// presets downloaded once, checked against pinned sha256.

The Hugging Face Hub is played by a server on 127.0.0.1 (`HF_ENDPOINT` points
huggingface_hub at it) that serves the real zoo folders with the headers the Hub
sends; the download, caching and checks are the real code's.
"""

import hashlib
import http.server
import pathlib
import shutil
import sys
import threading

import numpy as np
import pytest

import kerasgan
from kerasgan.utils.storage import sha256_of
from kerasgan.zoo import PresetError
from kerasgan.zoo import hosted
from kerasgan.zoo import registry

pytest.importorskip("huggingface_hub", reason="hf:// needs `pip install huggingface_hub`")

# Small entries: every installed entry is checked against its reference in test_zoo.py.
ENTRIES = ["vanilla_gan_ring8", "vanilla_gan_grid25"]
# Published lean (`publish_zoo.py lean`): served as hf://kerasgan/<entry>_lean.
LEAN = {"vanilla_gan_ring8_lean": "vanilla_gan_ring8"}


class HubHandler(http.server.BaseHTTPRequestHandler):
    """`/<owner>/<name>/resolve/<revision>/<file>`, answered as the Hub does."""

    root = None
    requests = None

    def log_message(self, *args):
        pass

    def _path(self):
        parts = self.path.split("?")[0].strip("/").split("/")
        if len(parts) == 5 and parts[2] == "resolve":
            return self.root / parts[0] / parts[1] / parts[4]
        return None

    def _answer(self, body):
        path = self._path()
        self.requests.append((self.command, self.path))
        if path is None or not path.is_file():
            self.send_response(404)
            self.send_header("X-Error-Code", "EntryNotFound")
            self.end_headers()
            return
        data = path.read_bytes()
        self.send_response(200)
        self.send_header("X-Repo-Commit", "0" * 40)
        self.send_header("ETag", f'"{hashlib.sha256(data).hexdigest()}"')
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def do_HEAD(self):
        self._answer(body=False)

    def do_GET(self):
        self._answer(body=True)


@pytest.fixture(scope="module")
def lean_presets(tmp_path_factory):
    """The lean distribution presets (with training state) of LEAN, written once."""
    root = tmp_path_factory.mktemp("lean")
    return {name: kerasgan.zoo.save_lean_preset(entry, root / name)
            for name, entry in LEAN.items()}


@pytest.fixture
def hub(tmp_path, monkeypatch, lean_presets):
    """A loopback Hub serving copies of ENTRIES as hf://kerasgan/<name> and the lean
    presets of LEAN, pinned in a registry, with none installed (an empty zoo) and an
    empty cache."""
    served = tmp_path / "hub" / "kerasgan"
    records = {}
    for name in ENTRIES:
        shutil.copytree(registry.resolve(name), served / name)
        records[name] = registry.hosted_record(name, f"hf://kerasgan/{name}")
    for name, folder in lean_presets.items():
        shutil.copytree(folder, served / name)
        records[name] = registry.hosted_record(
            LEAN[name], f"hf://kerasgan/{name}", folder=folder)
    handler = type("Handler", (HubHandler,), {"root": served.parent, "requests": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("HF_HUB_DISABLE_XET", "1")
    monkeypatch.setenv("KERASGAN_ZOO", str(tmp_path / "empty_zoo"))
    monkeypatch.setenv("KERASGAN_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(hosted, "entries", lambda: records)
    yield served, handler.requests
    server.shutdown()


@pytest.mark.parametrize("name", ENTRIES)
def test_a_hosted_entry_downloads_once_and_gives_its_reference_images(hub, name):
    served, requests = hub
    gan = kerasgan.zoo.load(name)
    reference = kerasgan.zoo.info(name)["reference"]["values"]
    np.testing.assert_allclose(kerasgan.zoo.reference_slice(gan), reference, atol=1e-4)
    listed = set(kerasgan.zoo.info(name)["files"]) | {"metadata.json"}
    assert fetched(requests) == sorted(listed)
    requests.clear()
    kerasgan.zoo.load(name)  # from the cache, offline: no request at all
    assert requests == []


def fetched(requests):
    """Names of the preset files downloaded (GET), sorted."""
    return sorted(
        path.rsplit("/", 1)[1] for method, path in requests
        if method == "GET" and "/resolve/" in path
    )


def test_listing_hosted_entries_downloads_nothing(hub):
    _, requests = hub
    listed = {entry["name"]: entry for entry in kerasgan.zoo.list()}
    assert set(listed) == set(ENTRIES) | set(LEAN) and not fetched(requests)
    assert listed["vanilla_gan_grid25"]["variant"] == "VanillaGAN"


def test_a_changed_weights_file_is_refused(hub):
    served, _ = hub
    weights = served / "vanilla_gan_ring8" / "model.weights.h5"
    weights.write_bytes(weights.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(PresetError, match="model.weights.h5 does not match its sha256"):
        kerasgan.zoo.load("vanilla_gan_ring8")


def test_a_repository_changed_since_pinning_is_refused_and_not_kept(hub):
    served, _ = hub
    metadata = served / "vanilla_gan_ring8" / "metadata.json"
    metadata.write_text(metadata.read_text().replace('"dataset"', '"dataset_"'))
    with pytest.raises(PresetError, match="not the pinned"):
        kerasgan.zoo.load("vanilla_gan_ring8")
    cache = kerasgan.utils.storage.cache_dir() / "zoo" / "hf" / "kerasgan"
    assert not (cache / "vanilla_gan_ring8" / "main").exists()


def test_an_hf_address_needs_a_pin_and_a_valid_form(hub):
    with pytest.raises(PresetError, match="needs its metadata.json's sha256"):
        kerasgan.zoo.load("hf://someone/their_gan")
    with pytest.raises(PresetError, match="hf://owner/name"):
        kerasgan.zoo.load("hf://no-name", sha256="0" * 64)
    with pytest.raises(PresetError, match="Could not download metadata.json"):
        kerasgan.zoo.load("hf://someone/missing", sha256="0" * 64)


def test_a_user_pinned_hf_preset_loads(hub):
    served, _ = hub
    pin = sha256_of(served / "vanilla_gan_ring8" / "metadata.json")
    gan = kerasgan.zoo.load("hf://kerasgan/vanilla_gan_ring8@main", sha256=pin)
    assert gan.generate(2, seed=0).shape == (2, 2)


def test_without_huggingface_hub_the_error_says_what_to_install(hub, monkeypatch):
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)
    with pytest.raises(ImportError, match="pip install huggingface_hub"):
        kerasgan.zoo.load("vanilla_gan_ring8")


def test_the_shipped_registry_pins_every_entry_it_lists():
    for name, record in hosted.entries().items():
        assert record["url"].startswith(("hf://", "https://")), name
        assert len(record["sha256"]) == 64, name
    assert pathlib.Path(hosted.REGISTRY).is_file()


def test_a_hosted_lean_entry_downloads_only_what_generate_needs(hub):
    served, requests = hub
    gan = kerasgan.zoo.load("vanilla_gan_ring8_lean")
    info = kerasgan.zoo.info("vanilla_gan_ring8_lean")
    # The reference was computed on the backend that trained the entry (TensorFlow):
    # the lean weights give it on every backend, to the float16 tolerance.
    np.testing.assert_allclose(kerasgan.zoo.reference_slice(gan),
                               info["reference"]["values"], atol=1e-3)
    assert fetched(requests) == sorted({*info["files"], "metadata.json"})
    assert "generator.weights.h5" in info["files"]
    assert "model.weights.h5" not in fetched(requests)  # the training state: optional
    assert hosted.get("vanilla_gan_ring8_lean")["size_mb"] < hosted.get(
        "vanilla_gan_ring8")["size_mb"]


def test_a_hosted_lean_entry_fetches_its_training_state_for_fine_tuning(hub):
    served, requests = hub
    full = kerasgan.zoo.load("vanilla_gan_ring8_lean", training=True)
    assert "model.weights.h5" in fetched(requests)
    installed = kerasgan.zoo.load(served / "vanilla_gan_ring8")
    for a, b in zip(installed.discriminator.get_weights(), full.discriminator.get_weights()):
        np.testing.assert_array_equal(a, b)
    requests.clear()
    kerasgan.zoo.load("vanilla_gan_ring8_lean", training=True)  # cached: no request
    assert requests == []


def test_a_changed_hosted_training_state_is_refused_and_not_kept(hub):
    served, _ = hub
    weights = served / "vanilla_gan_ring8_lean" / "model.weights.h5"
    weights.write_bytes(weights.read_bytes()[:-10] + b"0123456789")
    kerasgan.zoo.load("vanilla_gan_ring8_lean")  # sampling does not need it
    with pytest.raises(PresetError, match="model.weights.h5 does not match its sha256"):
        kerasgan.zoo.load("vanilla_gan_ring8_lean", training=True)
    folder = kerasgan.zoo.resolve("vanilla_gan_ring8_lean")
    assert not (folder / "model.weights.h5").exists()
