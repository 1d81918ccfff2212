"""The practice screen's way into the lab: after a prediction is committed, ``l`` opens the
lab on the item's own experiment, showing what the item just measured (not computed again).

A mixin of ``PracticeScreen``, which has the attempt and the prediction's evidence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tutor.lessons.model import Prediction, PredictTrainItem
from tutor.practice.session import NotYet
from tutor.ui.widgets.prediction_evidence import PredictionEvidence

if TYPE_CHECKING:
    from tutor.practice.session import Attempt
    from tutor.ui.app import RestutorApp


class OpensTheLab:
    """Needs the screen's ``_refuse``."""

    attempt: Attempt | None
    tutor: RestutorApp

    def action_open_lab(self) -> None:
        attempt = self.attempt
        if attempt is None or not isinstance(attempt.item, Prediction):
            return
        if attempt.committed is None:
            self._refuse(NotYet("commit a prediction first: the lab would give it away"))
            return
        from tutor.practice.measures import sim_params, train_params
        from tutor.sim import TrainResult

        item = attempt.item
        lesson = self.tutor.lesson(attempt.lesson_id)
        # What the item just measured is shown by the lab's tab, not computed again.
        measured = next((e.measured for e in self.query(PredictionEvidence)), None)
        if isinstance(item, PredictTrainItem):
            trained = measured if isinstance(measured, TrainResult) else None
            self.tutor.open_lab(
                train_params(item.train), "from practice", "train", lesson=lesson, measured=trained
            )
            return
        # The lesson model checks that a lab state's tab fits its measure (lesion or signal).
        self.tutor.open_lab(
            sim_params(item.lab.params),
            item.lab.title,
            item.lab.experiment,
            lesson=lesson,
            measured=None if isinstance(measured, TrainResult) else measured,
        )
