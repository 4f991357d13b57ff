"""A small hand-written catalog of real anime that tests across kansou share."""

from __future__ import annotations

from bot.catalog.models import Title

# id | canonical name | aliases (" ; " between); continued on the next line:
#     | type year season episodes | studios | tags | AniList id, MyAnimeList id (- for none)
_TABLE = """
1 | Attack on Titan | Shingeki no Kyojin ; 進撃の巨人 ; AoT ; SnK
    | TV 2013 SPRING 25 | Wit Studio | action, drama, fantasy, mystery, military | 16498 16498
2 | Neon Genesis Evangelion | Shinseiki Evangelion ; 新世紀エヴァンゲリオン ; Eva ; NGE ; Evangelion
    | TV 1995 FALL 26 | Gainax ; Tatsunoko Production | mecha, psychological, sci-fi, drama | 30 30
3 | The End of Evangelion | Shinseiki Evangelion Movie: Air/Magokoro wo, Kimi ni ; EoE
    | MOVIE 1997 SUMMER 1 | Gainax ; Production I.G | mecha, psychological, sci-fi, drama | 32 32
4 | Evangelion: 3.0+1.0 Thrice Upon a Time | Shin Evangelion Gekijouban ; シン・エヴァンゲリオン劇場版
    | MOVIE 2021 WINTER 1 | Khara | mecha, psychological, sci-fi | 3786 3786
5 | Mobile Suit Gundam | Kidou Senshi Gundam ; 機動戦士ガンダム ; Gundam 0079 ; First Gundam
    | TV 1979 SPRING 43 | Sunrise | mecha, military, sci-fi, space | 80 80
6 | Mobile Suit Gundam: The Witch from Mercury | Kidou Senshi Gundam: Suisei no Majo ; G-Witch
    | TV 2022 FALL 12 | Sunrise | mecha, sci-fi, school | 139274 49828
7 | Psycho-Pass | PSYCHO-PASS サイコパス ; Psycho Pass
    | TV 2012 FALL 22 | Production I.G | sci-fi, police, psychological, cyberpunk | 13601 13601
8 | Death Parade | デス・パレード
    | TV 2015 WINTER 12 | Madhouse | drama, psychological, mystery, game | 28223 28223
9 | Metallic Rouge | メタリックルージュ
    | TV 2024 WINTER 13 | Bones | sci-fi, action, android | 155886 55358
10 | Carole & Tuesday | Carol & Tuesday ; キャロル&チューズデイ ; Carole and Tuesday
    | TV 2019 SPRING 24 | Bones | music, drama, sci-fi | 101281 37435
11 | Fullmetal Alchemist: Brotherhood | Hagane no Renkinjutsushi: Fullmetal Alchemist ; FMAB ; FMA:B
    | TV 2009 SPRING 64 | Bones | action, adventure, drama, fantasy, military | 5114 5114
12 | Fullmetal Alchemist | Hagane no Renkinjutsushi ; 鋼の錬金術師 ; FMA
    | TV 2003 FALL 51 | Bones | action, adventure, drama, fantasy | 121 121
13 | Another | アナザー
    | TV 2012 WINTER 12 | P.A. Works | horror, mystery, supernatural, school | 11111 11111
14 | Monster | モンスター
    | TV 2004 SPRING 74 | Madhouse | mystery, thriller, psychological, drama | 19 19
15 | Air | エアー
    | TV 2005 WINTER 12 | Kyoto Animation | drama, romance, supernatural | 101 101
16 | Clannad | クラナド
    | TV 2007 FALL 23 | Kyoto Animation | drama, romance, slice of life, school | 2167 2167
17 | Steins;Gate | シュタインズ・ゲート ; Steins Gate
    | TV 2011 SPRING 24 | White Fox | sci-fi, thriller, time travel, psychological | 9253 9253
18 | Cowboy Bebop | カウボーイビバップ
    | TV 1998 SPRING 26 | Sunrise | action, sci-fi, space, adult cast | 1 1
19 | Ghost in the Shell | Koukaku Kidoutai ; 攻殻機動隊 ; GitS
    | MOVIE 1995 FALL 1 | Production I.G | sci-fi, cyberpunk, police, psychological | 43 43
20 | Made in Abyss | メイドインアビス ; MiA
    | TV 2017 SUMMER 13 | Kinema Citrus | adventure, fantasy, mystery, drama | 97986 34599
21 | Death Note | デスノート
    | TV 2006 FALL 37 | Madhouse | mystery, supernatural, thriller, psychological | 1535 1535
22 | Code Geass: Lelouch of the Rebellion | Code Geass: Hangyaku no Lelouch ; コードギアス ; Code Geass
    | TV 2006 FALL 25 | Sunrise | mecha, military, sci-fi, drama | 1575 1575
23 | Mob Psycho 100 | モブサイコ100 ; MP100
    | TV 2016 SUMMER 12 | Bones | action, comedy, supernatural | 21507 32182
24 | Frieren: Beyond Journey's End | Sousou no Frieren ; 葬送のフリーレン ; Frieren
    | TV 2023 FALL 28 | Madhouse | adventure, drama, fantasy | 154587 52991
25 | Spy x Family | SPY×FAMILY ; スパイファミリー
    | TV 2022 SPRING 12 | Wit Studio ; CloverWorks | action, comedy, childcare | 140960 50265
26 | Chainsaw Man | チェンソーマン
    | TV 2022 FALL 12 | MAPPA | action, fantasy, gore | 127230 44511
27 | Jujutsu Kaisen | 呪術廻戦 ; JJK
    | TV 2020 FALL 24 | MAPPA | action, fantasy, school | 113415 40748
28 | Vinland Saga | ヴィンランド・サガ
    | TV 2019 SUMMER 24 | Wit Studio | action, adventure, drama, historical | 101348 37521
29 | Your Name. | Kimi no Na wa. ; 君の名は。
    | MOVIE 2016 SUMMER 1 | CoMix Wave Films | drama, romance, supernatural | 21519 32281
30 | Perfect Blue | パーフェクトブルー
    | MOVIE 1998 WINTER 1 | Madhouse | psychological, thriller, horror | 437 437
31 | Serial Experiments Lain | シリアルエクスペリメンツレイン ; Lain
    | TV 1998 SUMMER 13 | Triangle Staff | sci-fi, psychological, cyberpunk | 339 339
32 | Tengen Toppa Gurren Lagann | Gurren Lagann ; 天元突破グレンラガン ; TTGL
    | TV 2007 SPRING 27 | Gainax | action, mecha, sci-fi, comedy | 2001 2001
33 | Puella Magi Madoka Magica | Mahou Shoujo Madoka★Magica ; 魔法少女まどか☆マギカ ; Madoka Magica
    | TV 2011 WINTER 12 | Shaft | mahou shoujo, psychological, drama | 9756 9756
34 | Re:Zero − Starting Life in Another World | Re:Zero kara Hajimeru Isekai Seikatsu ; Re:Zero
    | TV 2016 SPRING 25 | White Fox | isekai, drama, fantasy, psychological | 21355 31240
35 | Hunter x Hunter (2011) | HUNTER×HUNTER (2011) ; Hunter x Hunter ; HxH
    | TV 2011 FALL 148 | Madhouse | action, adventure, fantasy | 11061 11061
36 | Bocchi the Rock! | ぼっち・ざ・ろっく！ ; Bocchi
    | TV 2022 FALL 12 | CloverWorks | music, comedy, slice of life | 130003 47917
37 | Oshi no Ko | 【推しの子】 ; My Star
    | TV 2023 SPRING 11 | Doga Kobo | drama, mystery, showbiz | 150672 52034
38 | Toradora! | とらドラ! ; Toradora
    | TV 2008 FALL 25 | J.C.Staff | romance, comedy, school | 4224 4224
39 | Kaiba | カイバ
    | TV 2008 SPRING 12 | Madhouse | sci-fi, romance, mystery | - 3701
"""

# Titles the review corpus (tests/reviews/corpus) also names; kept out of sample_titles() because
# other tests count on the sample's ids ending at 40.
_REVIEW_EXTRA_TABLE = """
41 | Angel Beats! | エンジェルビーツ! ; Angel Beats
    | TV 2010 SPRING 13 | P.A. Works | drama, comedy, supernatural, school | 6547 6547
42 | K-On! | けいおん! ; K-On ; Keion
    | TV 2009 SPRING 13 | Kyoto Animation | music, comedy, slice of life, school | 5680 5680
43 | Violet Evergarden | ヴァイオレット・エヴァーガーデン
    | TV 2018 WINTER 13 | Kyoto Animation | drama, fantasy, slice of life | 21827 33352
44 | Haikyu!! | ハイキュー!! ; Haikyuu!! ; Haikyu
    | TV 2014 SPRING 25 | Production I.G | sports, comedy, drama, school | 20464 20583
45 | Shirobako | SHIROBAKO
    | TV 2014 FALL 24 | P.A. Works | comedy, drama, workplace | 20812 25835
"""

# A title a server created before the catalog knew it: no sources, so its link is an AniList search.
# The server the test world (tests/conftest.py) creates: the sample's local title belongs to it.
SAMPLE_GUILD = 900_000_000_000_000_001
LOCAL_TITLE = Title(id=40, name="Midnight Lanterns & Co.", local=True, guild_id=SAMPLE_GUILD)


def _split(field: str, sep: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in field.split(sep) if part.strip())


def _parse(record: str) -> Title:
    id_, name, aliases, facts, studios, tags, ids = (field.strip() for field in record.split(" | "))
    type_, year, season, episodes = facts.split()
    anilist, mal = (None if value == "-" else int(value) for value in ids.split())
    sources = []
    if anilist is not None:
        sources.append(f"https://anilist.co/anime/{anilist}")
    if mal is not None:
        sources.append(f"https://myanimelist.net/anime/{mal}")
    return Title(
        id=int(id_),
        name=name,
        aliases=_split(aliases, " ; "),
        type=type_,
        year=int(year),
        season=season,
        episodes=int(episodes),
        studios=_split(studios, " ; "),
        tags=_split(tags, ","),
        picture=f"https://cdn.myanimelist.net/images/anime/{mal or anilist}.jpg",
        sources=tuple(sources),
    )


def sample_titles() -> list[Title]:
    """About forty real anime with aliases, studios, tags, years and AniList/MyAnimeList sources."""
    records = _TABLE.strip().replace("\n    |", " |").splitlines()
    return [_parse(record) for record in records] + [LOCAL_TITLE]


def review_catalog_titles() -> list[Title]:
    """The sample titles plus the few more the review corpus names (Angel Beats!, K-On!, Haikyu!!, ...)."""
    records = _REVIEW_EXTRA_TABLE.strip().replace("\n    |", " |").splitlines()
    return sample_titles() + [_parse(record) for record in records]


def sample_title(name: str) -> Title:
    """The sample (or review corpus) title with exactly this canonical name (KeyError if there is none)."""
    for title in review_catalog_titles():
        if title.name == name:
            return title
    raise KeyError(name)
