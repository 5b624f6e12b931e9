"""Social posts for the platform tests, written for them: complaints, thanks, slang, emoji,
Javanese and Sundanese mixing, the way Indonesian accounts write about a city's flood response."""

POSTS = [
    "Pompa di Sukasari ga nyala lg, air udah masuk rumah 😡 @pemkot_tirta",
    "Makasih BPBD udah gercep evakuasi warga Cempaka 🙏 #BanjirTirtamulya",
    "Bansos blm cair nih, katanya minggu lalu, piye iki pak lurah",
    "Jalan di lembur abdi ruksak pisan, mugi enggal dilereskeun 🙏",
    "Dapur umum di GOR Cempaka udah buka, yg butuh makan langsung kesana aja",
    "BPBD lemot bgt, udah 3 jam nunggu perahu, parah sih ini",
    "Info resmi: posko pengungsian dibuka di 4 kelurahan, cek akun @bpbd_tirta",
    "Hoaks! Tanggul Cikaret TIDAK jebol, jangan sebar kabar bohong ya gaes",
    "Wali kota turun langsung ke lokasi banjir, salut pak 👍",
    "Air PDAM keruh sejak kemarin, anak2 jadi gatal2, tolong dicek dong",
    "Warga Sukamaju kecewa, bantuan selimut cuma dapet separuh RT",
    "Sekolah libur lagi gara2 banjir, tugas online numpuk 😩",
]
