"""Tests of table.py's reading of Google Benchmark JSON."""
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import table  # noqa: E402


def iteration(name, per_second, repetition=None, error=None):
    entry = {"name": name, "run_name": name, "run_type": "iteration", "items_per_second": per_second}
    if repetition is not None:
        entry["repetition_index"] = repetition
    if error:
        entry.update(error_occurred=True, error_message=error)
    return entry


def aggregate(name, kind, per_second):
    return {"name": f"{name}_{kind}", "run_name": name, "run_type": "aggregate", "aggregate_name": kind,
            "items_per_second": per_second}


class LoadTest(unittest.TestCase):
    def load(self, benchmarks):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"benchmarks": benchmarks}, f)
        self.addCleanup(os.unlink, f.name)
        return table.load(f.name)

    def test_single_run_is_the_row(self):
        rows = self.load([iteration("EcdsaP256Sign/real_time", 1000.0)])
        self.assertEqual(rows["EcdsaP256Sign"], (1000.0, None, 0))

    def test_repetitions_give_the_median_not_the_last_run(self):
        name = "Sha256Small/real_time"
        rows = self.load([iteration(name, 10.0, 0), iteration(name, 20.0, 1), iteration(name, 30.0, 2),
                          aggregate(name, "mean", 20.0), aggregate(name, "median", 20.0),
                          aggregate(name, "stddev", 10.0)])
        self.assertEqual(rows["Sha256Small"], (20.0, None, 0))

    def test_an_error_is_kept_with_its_message(self):
        rows = self.load([iteration("FindByLabel/10000/real_time", None, error="more than --max-objects 1000")])
        self.assertEqual(rows["FindByLabel/10000"], (None, "more than --max-objects 1000", 0))


if __name__ == "__main__":
    unittest.main()
