"""The live status line and the streaming frame reader, on output captured from TLC."""

from __future__ import annotations

import io

from tlc_runner.outcome import parse_progress, stats_from
from tlc_runner.tlc_process import StatusLine, status_for
from tlc_runner.tool_frames import FrameReader, parse_frames

from conftest import fixture_text


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_status_line_ticks_and_shows_tlc_progress():
    stream = Tty()
    status = status_for(stream, quiet=False, label="fixed 3x3")
    status.show(3.2)
    assert stream.getvalue().startswith("\r[fixed 3x3] 00:03")
    progress_body = next(m.body for m in parse_frames(fixture_text("safe-prev-2x3.tool.log")) if m.code == 2200)
    status.progress = parse_progress(progress_body)
    status.show(65)
    line = stream.getvalue().rsplit("\r", 1)[-1]
    assert "01:05" in line and "generated" in line and "distinct" in line and "on queue" in line
    status.clear()
    assert stream.getvalue().endswith("\r")


def test_no_status_line_when_quiet_or_not_a_terminal():
    assert status_for(Tty(), quiet=True, label="x") is None
    assert status_for(io.StringIO(), quiet=False, label="x") is None
    assert isinstance(status_for(Tty(), quiet=False, label="x"), StatusLine)


def test_frames_stream_line_by_line_like_the_whole_text():
    text = fixture_text("underused-2x2.tool.log")
    reader = FrameReader()
    seen = [m for m in (reader.feed(line + "\n") for line in text.split("\n")) if m is not None]
    whole = parse_frames(text)
    assert [m.code for m in reader.close() if m.code is not None] == [m.code for m in whole if m.code is not None]
    assert seen and seen[0].code == 2262 and "TLC2 Version 2.18" in seen[0].body


def test_stats_come_from_the_final_frames():
    stats = stats_from(parse_frames(fixture_text("safe-prev-2x3.tool.log")))
    assert stats.generated > stats.distinct > 1000 and stats.depth and stats.depth > 50
