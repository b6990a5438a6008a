"""The banks a trader pays customs duties through: the commercial banks of Vietnam's 24/7 electronic
payment of duties (Cổng thanh toán điện tử hải quan), each by its SWIFT/BIC code — the key the
portal stores on a payment (`Payment.bank`) and the API takes and returns — with its name in
Vietnamese and English. The trader chooses the bank when starting a payment; the portal sends them to
that bank's page (`BANK_PAYMENT_URL`'s `{bank}`), and the statistics split what was paid by it.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Bank:
    bic: str
    short_name: str
    name_vi: str
    name_en: str


BANKS = (
    Bank("BFTVVNVX", "Vietcombank", "Ngân hàng TMCP Ngoại thương Việt Nam", "Joint Stock Commercial Bank for Foreign Trade of Vietnam"),
    Bank("BIDVVNVX", "BIDV", "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam", "Joint Stock Commercial Bank for Investment and Development of Vietnam"),
    Bank("ICBVVNVX", "VietinBank", "Ngân hàng TMCP Công Thương Việt Nam", "Vietnam Joint Stock Commercial Bank for Industry and Trade"),
    Bank("VBAAVNVX", "Agribank", "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam", "Vietnam Bank for Agriculture and Rural Development"),
    Bank("VTCBVNVX", "Techcombank", "Ngân hàng TMCP Kỹ thương Việt Nam", "Vietnam Technological and Commercial Joint Stock Bank"),
    Bank("MSCBVNVX", "MB", "Ngân hàng TMCP Quân đội", "Military Commercial Joint Stock Bank"),
    Bank("ASCBVNVX", "ACB", "Ngân hàng TMCP Á Châu", "Asia Commercial Joint Stock Bank"),
    Bank("VPBKVNVX", "VPBank", "Ngân hàng TMCP Việt Nam Thịnh Vượng", "Vietnam Prosperity Joint Stock Commercial Bank"),
    Bank("SGTTVNVX", "Sacombank", "Ngân hàng TMCP Sài Gòn Thương Tín", "Saigon Thuong Tin Commercial Joint Stock Bank"),
    Bank("SHBAVNVX", "SHB", "Ngân hàng TMCP Sài Gòn – Hà Nội", "Saigon – Hanoi Commercial Joint Stock Bank"),
    Bank("HDBCVNVX", "HDBank", "Ngân hàng TMCP Phát triển Thành phố Hồ Chí Minh", "Ho Chi Minh City Development Joint Stock Commercial Bank"),
    Bank("TPBVVNVX", "TPBank", "Ngân hàng TMCP Tiên Phong", "Tien Phong Commercial Joint Stock Bank"),
    Bank("VNIBVNVX", "VIB", "Ngân hàng TMCP Quốc tế Việt Nam", "Vietnam International Commercial Joint Stock Bank"),
    Bank("MCOBVNVX", "MSB", "Ngân hàng TMCP Hàng Hải Việt Nam", "Vietnam Maritime Commercial Joint Stock Bank"),
)
BANKS_BY_BIC = {bank.bic: bank for bank in BANKS}
