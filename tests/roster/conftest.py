import pytest

from tests.support.roster import RosterMaker


@pytest.fixture
def roster(app, users):
    return RosterMaker(app, users)
