"""python -m evals.calibrate: how a point of the threshold grid is chosen (on made-up rates, not on any data)."""
import pytest

from evals.calibrate import gain, grid, most_gain, most_refusing_within, parse_fixed
from retriever.answer.extractive import Thresholds

A, B, C = Thresholds(0.8, 0.3, 0.8), Thresholds(0.85, 0.4, 0.85), Thresholds(0.9, 0.5, 0.9)
# (false refusals, refused (left out)) on two sets per point
ROWS = [(A, [(0.01, 0.2), (0.02, 0.1)]), (B, [(0.04, 0.5), (0.05, 0.4)]), (C, [(0.2, 0.9), (0.3, 0.95)])]


def test_the_most_refusing_point_within_the_bound_on_every_set():
    assert most_refusing_within(ROWS, 0.05)[0] == B
    assert most_refusing_within(ROWS, 0.03)[0] == A
    assert most_refusing_within(ROWS, 0.001) is None


def test_the_comparison_point_weighs_false_refusals():
    assert gain(ROWS[1][1], 2.0) == pytest.approx((0.5 - 0.08 + 0.4 - 0.1) / 2)
    assert most_gain(ROWS, 2.0)[0] == C
    assert most_gain(ROWS, 5.0)[0] == B
    assert most_gain(ROWS, 10.0)[0] == A  # A and B tie: the lower thresholds


def test_the_grid_includes_each_threshold_turned_off():
    points = grid()
    assert Thresholds(0.0, 0.0, 0.0, 1.0, 1.0) in points and len(set(points)) == len(points)


def test_a_fixed_threshold_keeps_only_the_points_that_hold_it():
    points = grid({"min_sentence_score": 0.0, "close_coverage": 1.0})
    assert points and all(t.min_sentence_score == 0 and t.close_coverage == 1 for t in points)
    assert len(points) < len(grid())
    assert grid({"min_dense_score": 0.123}) == []


def test_a_fixed_threshold_names_one_of_the_grid():
    assert parse_fixed(["min_sentence_score=0", "close_coverage=0.8"]) == {"min_sentence_score": 0.0, "close_coverage": 0.8}
    with pytest.raises(SystemExit, match="must be one of"):
        parse_fixed(["min_sentense_score=0"])
    with pytest.raises(SystemExit, match="not a number"):
        parse_fixed(["min_dense_score=high"])
