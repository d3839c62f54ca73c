"""DropDuplicatesFilter: first candidate of a tweet_id wins."""

from foryou.home_mixer.candidate import ServedType
from foryou.home_mixer.filters import DropDuplicatesFilter

from ..builders import assert_partition, ids, post, query, removed_ids


def test_first_of_each_id_wins_so_phoenix_beats_thunder() -> None:
    phoenix = post(1, served_type=ServedType.FOR_YOU_PHOENIX_RETRIEVAL)
    thunder = post(1, served_type=ServedType.FOR_YOU_IN_NETWORK)
    cands = [phoenix, post(2), thunder, post(2), post(3)]
    result = DropDuplicatesFilter().filter(query(), cands)
    assert ids(result.kept) == [1, 2, 3]
    assert result.kept[0] is phoenix
    assert removed_ids(result) == [(1, "duplicate"), (2, "duplicate")]
    assert_partition(cands, result)


def test_no_duplicates_keeps_the_list() -> None:
    cands = [post(1), post(2)]
    result = DropDuplicatesFilter().filter(query(), cands)
    assert result.kept == cands and result.removed == []
