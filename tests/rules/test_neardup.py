"""Near-identical text clustering for the `coordinated` rule."""

from __future__ import annotations

from monitor.rules.neardup import canonical, clusters, jaccard, shingles

BASE = "Dukung terus program bantuan sosial pemerintah yang tepat sasaran untuk rakyat kecil di seluruh negeri"


def test_links_handles_tags_and_numbers_do_not_make_texts_different():
    assert canonical(f"{BASE} https://t.co/x1 @akun #Bansos2026 123") == canonical(BASE)


def test_clusters_group_small_edits_and_keep_different_texts_apart():
    texts = [
        BASE,
        BASE + " mantap",  # one word added
        BASE.replace("rakyat kecil", "wong cilik"),  # a phrase swapped
        "Pelayanan bansos di kelurahan kami lambat sekali, sudah tiga minggu belum cair juga",
        "",
    ]
    groups = sorted(clusters(texts, similarity=0.5))
    assert [0, 1, 2] in groups and [3] in groups and [4] in groups
    # A stricter bound separates the swapped phrase (Jaccard 0.53: four of its shingles changed).
    assert 0.5 < jaccard(shingles(texts[0]), shingles(texts[2])) < 0.6
    assert sorted(clusters(texts, similarity=0.6)) == [[0, 1], [2], [3], [4]]


def test_clusters_scale_with_identical_copies():
    texts = [BASE] * 1000 + ["lain sama sekali"]
    groups = clusters(texts, similarity=0.8)
    assert sorted(len(g) for g in groups) == [1, 1000]
