"""The engine's input errors reach the user as a message; its bugs keep their traceback."""

import numpy as np
import pytest

from engine.cli import main
from engine.errors import InputError
from engine.imageio import as_rgb_uint8
from engine.transfer.stylize import TransferSettings


def test_input_errors_are_value_errors_with_a_message_for_the_user():
    with pytest.raises(InputError, match="each side must be at least 64 px"):
        as_rgb_uint8(np.zeros((10, 10, 3), dtype=np.uint8), min_side=64)
    with pytest.raises(ValueError):  # callers that catch ValueError keep working
        TransferSettings.preset("no-such-preset")


def test_the_command_line_prints_input_errors_and_lets_bugs_raise(tmp_path, capsys, monkeypatch):
    assert main(["plan", str(tmp_path / "in.png"), "-o", str(tmp_path / "x"), "--colors", "0"]) == 2
    assert "--colors must be from 1 to" in capsys.readouterr().err

    import engine.cli.palette as palette_cli

    def broken(path):
        raise ValueError("an engine bug, not the user's mistake")

    monkeypatch.setattr(palette_cli, "read_picture", broken)
    with pytest.raises(ValueError, match="an engine bug"):
        main(["palette", str(tmp_path / "in.png")])
