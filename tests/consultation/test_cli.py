"""The sweep commands: `flask consultation sweep` and `flask sweep` (every registered sweep)."""

from core import clock
from tests.consultation.helpers import open_request
from tests.support.roster import wib


def test_the_sweep_commands_send_due_reminders_once(app, roster, users):
    roster.operator()
    with clock.frozen(wib(2026, 11, 23, 9)):
        open_request(app, users.make())
    runner = app.test_cli_runner()
    with clock.frozen(wib(2026, 11, 23, 15)):
        first = runner.invoke(args=["consultation", "sweep"])
        second = runner.invoke(args=["sweep"])
    assert first.exit_code == 0 and "warning: 1" in first.output
    assert second.exit_code == 0 and "run_sweep: {'warning': 0" in second.output
    assert "drain_queue_sweep" in second.output
