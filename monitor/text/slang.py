"""Common Indonesian social-media spellings -> standard words.

Written by the project team from everyday usage (not copied from a dataset). Kept short and
unambiguous: a slang word that can mean two different things is left out.
"""

from __future__ import annotations

SLANG: dict[str, str] = {
    # negation and particles
    "gak": "tidak", "ga": "tidak", "gk": "tidak", "nggak": "tidak", "enggak": "tidak", "ngga": "tidak",
    "kagak": "tidak", "tdk": "tidak", "tak": "tidak", "ndak": "tidak", "gx": "tidak", "g": "tidak",
    "blm": "belum", "udh": "sudah", "udah": "sudah", "dah": "sudah", "sdh": "sudah",
    "aja": "saja", "aj": "saja", "doang": "saja", "bgt": "banget", "bngt": "banget",
    "yg": "yang", "dgn": "dengan", "dg": "dengan", "utk": "untuk", "untk": "untuk", "krn": "karena",
    "karna": "karena", "tp": "tapi", "tpi": "tapi", "sm": "sama", "jd": "jadi", "jdi": "jadi",
    "klo": "kalau", "kalo": "kalau", "kl": "kalau", "gmn": "bagaimana", "gimana": "bagaimana",
    "knp": "kenapa", "napa": "kenapa", "kpn": "kapan", "dmn": "di mana", "bs": "bisa", "bsa": "bisa",
    "lg": "lagi", "lgi": "lagi", "sj": "saja", "jg": "juga", "jga": "juga", "trs": "terus",
    "trus": "terus", "msh": "masih", "lbh": "lebih", "bnyk": "banyak", "byk": "banyak",
    "skrg": "sekarang", "skrang": "sekarang", "sy": "saya", "gw": "saya", "gue": "saya",
    "aku": "saya", "ane": "saya", "lu": "kamu", "lo": "kamu", "elo": "kamu", "km": "kamu",
    "org": "orang", "orng": "orang", "tmn": "teman", "kmrn": "kemarin", "bsk": "besok",
    "td": "tadi", "tdi": "tadi", "hrs": "harus", "pengen": "ingin", "pingin": "ingin",
    "emg": "memang", "emang": "memang", "bener": "benar", "bnr": "benar",
    # government and public-service words
    "pemda": "pemerintah daerah", "pemkot": "pemerintah kota", "pemkab": "pemerintah kabupaten",
    "pemprov": "pemerintah provinsi", "dinkes": "dinas kesehatan", "bansos": "bantuan sosial",
    "jalan2": "jalan-jalan", "faskes": "fasilitas kesehatan", "nakes": "tenaga kesehatan",
    "puskes": "puskesmas", "rs": "rumah sakit", "warga2": "warga-warga",
    # feelings that the lexicon keys on
    "mantul": "mantap", "mantab": "mantap",
    "lemot": "lambat", "lelet": "lambat", "ribet": "rumit", "mager": "malas",
    "gercep": "cepat", "anjlok": "turun",
    # Javanese everyday words seen in posts from Java
    "ora": "tidak", "opo": "apa", "piye": "bagaimana", "wis": "sudah", "uwis": "sudah",
    "durung": "belum", "iso": "bisa", "isa": "bisa", "apik": "bagus", "elek": "jelek",
    "banyu": "air", "sampeyan": "anda", "matur": "terima",
    # English words common in mixed posts
    "thanks": "terima kasih", "thx": "terima kasih", "makasih": "terima kasih", "mksh": "terima kasih",
    "trims": "terima kasih", "please": "tolong", "plis": "tolong", "pls": "tolong", "update": "kabar",
}
