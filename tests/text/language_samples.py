"""Posts and sentences for language identification, written for these tests (not copied): the
languages a humas team meets — Indonesian (formal and the slang of social media), Malay from
Malaysian accounts, Javanese, Sundanese, English, and Japanese as an unrelated script."""

SAMPLES: dict[str, list[str]] = {
    "id": [
        "Warga Sukasari mengeluhkan pompa air yang tidak berfungsi sejak banjir kemarin sore",
        "Pemerintah kota akan menyalurkan bantuan sosial kepada keluarga terdampak minggu depan",
        "bansos blm cair nih padahal udah didata dari bulan lalu, gimana sih 😤",
        "Dinas Kesehatan mengimbau masyarakat tidak percaya kabar bohong soal vaksin",
        "jalan di depan pasar rusak parah, tolong segera diperbaiki pak @pemkot_tirta",
        "Makasih BPBD udah gercep evakuasi warga, mantap pokoknya 🙏 #BanjirTirtamulya",
        "Kenapa sih pelayanan di kantor kelurahan lama banget, antri dari pagi belum dipanggil",
        "Presiden meresmikan bendungan baru yang akan mengairi ribuan hektare sawah petani",
        "Harga beras di pasar tradisional naik lagi, ibu-ibu mengeluh uang belanja tidak cukup",
        "Polisi masih menyelidiki penyebab kebakaran yang menghanguskan puluhan kios",
    ],
    "ms": [
        "Kerajaan Malaysia akan mengadakan mesyuarat dengan pihak berkuasa Indonesia berhubung jerebu",
        "Ramai rakyat Malaysia bimbang tentang harga barang yang semakin mahal bulan ini",
        "Polis Diraja Malaysia menahan dua lelaki kerana disyaki terlibat dalam kes penipuan",
        "Saya tidak faham kenapa kerajaan masih belum membuat keputusan tentang perkara itu",
        "Pelancong dari Indonesia boleh memohon visa secara dalam talian mulai minggu hadapan",
        "Kementerian Kesihatan menasihatkan orang ramai supaya memakai pelitup muka di tempat sesak",
        "Pekerja Indonesia di Johor merungut gaji mereka lambat dibayar oleh majikan",
        "Kerajaan negeri akan membina lebih banyak rumah mampu milik untuk golongan muda",
    ],
    "jv": [
        "Aku ora ngerti kenapa bantuane durung tekan desaku nganti saiki",
        "Wong-wong padha ngumpul ning balai desa kanggo rembugan babagan banjir",
        "Piye kabare, lurahe wis mbenerake dalan sing rusak durung",
        "Pak camat ngendika menawa bantuan bakal diparingake minggu ngarep",
        "Sawahe kebanjiran maneh, petani padha sedih amarga panene gagal",
        "Bocah-bocah ora iso sekolah amarga kreteg cedhak omah ambruk wingi sore",
    ],
    "su": [
        "Abdi teu acan nampi bantosan ti pamarentah dugi ka ayeuna",
        "Jalan di lembur abdi ruksak pisan, mugi enggal dilereskeun",
        "Warga di dieu keur ngariung di bale desa ngabahas caah",
        "Kumaha damang, tos lami teu pendak sareng anjeun",
        "Barudak sakola teu tiasa angkat sabab jalanna kakeueum cai",
        "Harga beas di pasar naek deui, ibu-ibu baringung kumaha carana nyukupan kabutuh",
    ],
    "en": [
        "The ministry said the aid would be distributed to flood victims next week",
        "Residents complained that the water pump had not worked since the flood",
        "Indonesia's government announced a new vaccination campaign for children",
        "Officials denied the rumour and urged people to check official sources",
        "Traffic was heavy on the toll road ahead of the long weekend",
        "The mayor will attend the meeting with the disaster response team",
    ],
    "ja": [
        "インドネシア政府は来週、洪水の被災者に支援物資を配布すると発表した",
        "ジャカルタで大雨による洪水が発生し、多くの住民が避難した",
        "今日はとても暑いですね",
        "インドネシアの新しい首都について議論が続いている",
        "ワクチン接種の予約はオンラインでできます",
    ],
}
