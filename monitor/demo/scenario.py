"""The demo's story, written by the project team (fictional city, people and outlets).

Kota Tirtamulya's government (Pemkot) runs its usual programmes; overnight rain floods two
districts and residents' complaints about slow response build into a crisis by mid-morning,
with a hoax, a clarification and a protest call along the way. Minutes count from the demo's
start (05:00 WIB).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoItem:
    minute: int
    feed: str  # "warta", "kabar" (news feeds) or "posts" (social posts)
    author: str
    text: str
    title: str = ""
    likes: int = 0
    shares: int = 0
    reach: int = 0


ITEMS: tuple[DemoItem, ...] = (
    DemoItem(
        5,
        "warta",
        "Redaksi Warta",
        "Pemkot Tirtamulya meluncurkan Kartu Tirta Sehat untuk 40 ribu warga lansia. "
        "Kartu ini memberi layanan pemeriksaan gratis di seluruh puskesmas mulai bulan depan.",
        "Kartu Tirta Sehat Diluncurkan, 40 Ribu Lansia Dapat Layanan Gratis",
    ),
    DemoItem(
        12,
        "posts",
        "ibu_ratna77",
        "Alhamdulillah kartu tirta sehat udah jadi, pelayanan di puskesmas cempaka ramah bgt 👍 makasih pemkot",
        likes=35,
        shares=4,
        reach=900,
    ),
    DemoItem(
        20,
        "kabar",
        "Kabar Nusantara",
        "Dinas Pendidikan Tirtamulya membuka pendaftaran program Sekolah Hijau. "
        "Sebanyak 60 sekolah dasar akan menanam pohon dan mengelola bank sampah.",
        "Program Sekolah Hijau Libatkan 60 SD di Tirtamulya",
    ),
    DemoItem(
        31,
        "posts",
        "dimas.gowes",
        "Hujan deres dari semalem, jalan di depan pasar Sukasari mulai tergenang nih. Ati2 yg lewat ya",
        likes=12,
        reach=400,
    ),
    DemoItem(
        38,
        "posts",
        "warga_sukasari",
        "Air udah masuk rumah di RT 04 Sukasari, setinggi lutut. Pompa air di pintu air kok ga nyala?? @pemkot_tirtamulya",
        likes=88,
        shares=40,
        reach=5200,
    ),
    DemoItem(
        45,
        "warta",
        "Redaksi Warta",
        "Hujan lebat sejak Kamis malam membuat sejumlah permukiman di Kelurahan Sukasari dan Cempaka "
        "tergenang banjir setinggi 50 hingga 80 sentimeter. BPBD Tirtamulya menyatakan status siaga.",
        "Banjir Rendam Sukasari dan Cempaka, BPBD Tetapkan Status Siaga",
    ),
    DemoItem(
        52,
        "posts",
        "mas_bayu_",
        "banjir lg banjir lg 😩 tiap taun sukasari tenggelam, pemkot ngapain aja sih? pompa mati, gorong2 mampet",
        likes=140,
        shares=66,
        reach=8100,
    ),
    DemoItem(
        58,
        "posts",
        "nenek.sari",
        "Tolong!! Di gang mawar cempaka ada lansia terjebak, air sudah sepinggang. BPBD belum datang sampai sekarang",
        likes=310,
        shares=220,
        reach=15400,
    ),
    DemoItem(
        64,
        "kabar",
        "Kabar Nusantara",
        "Warga Sukasari mengeluhkan pompa air di pintu air utama yang tidak berfungsi saat banjir. "
        "Dinas PUPR menyebut dua dari tiga pompa sedang dalam perbaikan.",
        "Pompa Pintu Air Sukasari Mati Saat Banjir, Warga Kecewa",
    ),
    DemoItem(
        70,
        "posts",
        "arek_cempaka",
        "Perahu karet BPBD cuma 1 buat sekampung, warga evakuasi sendiri pake ban bekas. Parah pelayanannya",
        likes=205,
        shares=120,
        reach=11000,
    ),
    DemoItem(
        75,
        "posts",
        "yuni_kitchen",
        "Wis jam 7 durung ono dapur umum neng cempaka, anak2 kelaparan. Pemkot piye iki??",
        likes=95,
        shares=51,
        reach=4300,
    ),
    DemoItem(
        81,
        "posts",
        "rizal_ftr",
        "Kecewa bgt sama pemkot tirtamulya, banjir udah 3 jam tp petugas ga keliatan. Warga ditelantarkan",
        likes=77,
        shares=30,
        reach=3900,
    ),
    DemoItem(
        86,
        "warta",
        "Redaksi Warta",
        "BPBD Tirtamulya mengerahkan tiga perahu karet dan 40 personel untuk mengevakuasi warga "
        "Cempaka. Sebanyak 120 warga telah dipindahkan ke posko pengungsian di GOR Cempaka.",
        "BPBD Evakuasi 120 Warga Cempaka ke GOR",
    ),
    DemoItem(
        90,
        "posts",
        "info_tirta",
        "VIRAL!! Katanya wali kota Hendra lagi liburan ke luar negeri pas warganya kebanjiran. Sebarkan!!",
        likes=420,
        shares=380,
        reach=26000,
    ),
    DemoItem(
        94,
        "posts",
        "mas_bayu_",
        "Pompa mati, perahu telat, dapur umum ga ada. Ini pelayanan publik apa lelucon? #BanjirTirtamulya",
        likes=180,
        shares=90,
        reach=9800,
    ),
    DemoItem(
        99,
        "posts",
        "dewi.lestari.tm",
        "Ortu saya di sukasari belum dievakuasi, udah telpon call center BPBD ga diangkat2 😭 #BanjirTirtamulya",
        likes=150,
        shares=110,
        reach=7600,
    ),
    DemoItem(
        104,
        "kabar",
        "Kabar Nusantara",
        "Warga Cempaka mengeluhkan lambatnya evakuasi dan belum adanya dapur umum hingga pagi. "
        "Sejumlah warga terpaksa mengungsi ke masjid terdekat dengan biaya sendiri.",
        "Evakuasi Lambat, Warga Cempaka Mengungsi Sendiri ke Masjid",
    ),
    DemoItem(
        108,
        "posts",
        "kopi_sore",
        "Pemkot tirtamulya gercep dong, ini warga sukasari udah 4 jam nunggu perahu. Malu sama kota sebelah",
        likes=60,
        shares=22,
        reach=2500,
    ),
    DemoItem(
        113,
        "posts",
        "bang_ucok",
        "Pelayanan BPBD lemot bgt, nomor darurat sibuk terus. Kalo ada apa2 sama warga siapa yg tanggung jawab?",
        likes=88,
        shares=41,
        reach=3300,
    ),
    DemoItem(
        118,
        "posts",
        "sinta_rahma",
        "Rumah mertua di cempaka kebanjiran, barang2 rusak semua. Semoga cepet surut 🙏",
        likes=40,
        shares=3,
        reach=1200,
    ),
    DemoItem(
        123,
        "warta",
        "Redaksi Warta",
        "Humas Pemkot Tirtamulya menegaskan kabar Wali Kota Hendra Wijaya berlibur ke luar negeri "
        "adalah hoaks. Wali kota memimpin rapat tanggap darurat di posko GOR Cempaka sejak pukul 06.00.",
        "Pemkot Tegaskan Kabar Wali Kota Berlibur Saat Banjir Adalah Hoaks",
    ),
    DemoItem(
        127,
        "posts",
        "pemkot_tirtamulya",
        "Klarifikasi: Wali Kota Hendra Wijaya berada di posko banjir GOR Cempaka sejak pagi. "
        "Kabar beliau berlibur tidak benar. Warga yang butuh evakuasi hubungi 112.",
        likes=510,
        shares=300,
        reach=31000,
    ),
    DemoItem(
        133,
        "posts",
        "fajar.nugraha",
        "Katanya hoaks tp kok wali kota baru keliatan jam segini? warga udah kebanjiran dari subuh",
        likes=130,
        shares=70,
        reach=6200,
    ),
    DemoItem(
        139,
        "posts",
        "mahasiswa_tm",
        "Besok kita demo ke balai kota! Tuntut perbaikan pompa & drainase Sukasari. Aksi damai jam 10 #TirtamulyaTenggelam",
        likes=260,
        shares=240,
        reach=14000,
    ),
    DemoItem(
        146,
        "kabar",
        "Kabar Nusantara",
        "Aliansi mahasiswa Tirtamulya berencana menggelar unjuk rasa di depan balai kota menuntut "
        "perbaikan pompa dan saluran drainase yang dinilai gagal mencegah banjir tahunan.",
        "Mahasiswa Rencanakan Unjuk Rasa Soal Penanganan Banjir",
    ),
    DemoItem(
        152,
        "posts",
        "ibu_ratna77",
        "Dapur umum di GOR cempaka udah buka, makasih relawan 🙏 tp yg di gang mawar blm kebagian",
        likes=70,
        shares=12,
        reach=2100,
    ),
    DemoItem(
        160,
        "posts",
        "warga_sukasari",
        "Air di RT 04 mulai surut, tp lumpur dimana2. Pompa tetep ga nyala sampe skrg. Kapan diperbaiki pak?",
        likes=90,
        shares=35,
        reach=4100,
    ),
    DemoItem(
        168,
        "warta",
        "Redaksi Warta",
        "Dinas PUPR Tirtamulya menargetkan perbaikan dua pompa di pintu air Sukasari selesai dalam "
        "tiga hari. Wali kota meminta inspektorat memeriksa anggaran pemeliharaan pompa.",
        "Dua Pompa Sukasari Ditargetkan Pulih dalam Tiga Hari",
    ),
    DemoItem(
        175,
        "posts",
        "arek_cempaka",
        "Anggaran pemeliharaan pompa kemana? Jangan2 dikorupsi. Tiap taun ada anggaran tp pompa tetep mati",
        likes=190,
        shares=95,
        reach=8800,
    ),
    DemoItem(
        184,
        "posts",
        "dimas.gowes",
        "Terima kasih relawan PMI dan BPBD yg udah kerja keras dari subuh. Semoga semua warga aman 🙏",
        likes=120,
        shares=15,
        reach=3600,
    ),
    DemoItem(
        196,
        "posts",
        "kopi_sore",
        "Btw jalan berlubang di jl. merdeka makin parah abis banjir, motor saya hampir jatuh",
        likes=25,
        shares=4,
        reach=900,
    ),
    DemoItem(
        210,
        "kabar",
        "Kabar Nusantara",
        "Harga cabai dan sayur di Pasar Sukasari naik hingga 30 persen setelah banjir mengganggu "
        "pasokan dari petani di pinggiran kota.",
        "Harga Cabai di Pasar Sukasari Naik 30 Persen Usai Banjir",
    ),
    DemoItem(
        225,
        "posts",
        "yuni_kitchen",
        "Harga cabe naik gila2an abis banjir, pedagang kecil kayak saya susah bgt",
        likes=45,
        shares=10,
        reach=1700,
    ),
    DemoItem(
        240,
        "warta",
        "Redaksi Warta",
        "Pemkot Tirtamulya menyalurkan bantuan sosial berupa paket sembako untuk 2.500 keluarga "
        "terdampak banjir di Sukasari dan Cempaka.",
        "Bansos Sembako untuk 2.500 Keluarga Terdampak Banjir",
    ),
    DemoItem(
        255,
        "posts",
        "nenek.sari",
        "Bansos sembako udah nyampe ke gang mawar, alhamdulillah. Terima kasih pemkot 🙏",
        likes=85,
        shares=9,
        reach=2600,
    ),
    DemoItem(
        270,
        "posts",
        "rizal_ftr",
        "Semoga abis ini pompa beneran dibenerin, jangan cuma janji. Tahun depan jangan sampe kejadian lagi",
        likes=55,
        shares=14,
        reach=2000,
    ),
    DemoItem(
        300,
        "warta",
        "Redaksi Warta",
        "Banjir di Sukasari dan Cempaka mulai surut pada Jumat sore. BPBD mencatat 640 rumah "
        "terdampak dan tidak ada korban jiwa.",
        "Banjir Mulai Surut, 640 Rumah Terdampak Tanpa Korban Jiwa",
    ),
)

# Reposts by a ring of new accounts with near-identical text: a buzzer pattern for later rules.
ITEMS += tuple(
    DemoItem(
        140 + i,
        "posts",
        f"akun_peduli{i:02d}",
        "Pemkot Tirtamulya GAGAL total tangani banjir!! Wali kota mundur saja #TirtamulyaTenggelam",
        likes=3,
        shares=2,
        reach=150,
    )
    for i in range(1, 7)
)
