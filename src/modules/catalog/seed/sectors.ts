// Sectors group services by the area of government; life events group them by what happens in a
// person's life. A service has one sector and any number of life events.

export interface SeedSector {
  id: string;
  nameMn: string;
  nameEn: string;
  descriptionMn: string;
  descriptionEn: string;
}

export const seedSectors: SeedSector[] = [
  { id: 'civil-registration', nameMn: 'Иргэний бүртгэл, иргэний үнэмлэх', nameEn: 'Civil registration and identity',
    descriptionMn: 'Төрөлт, гэрлэлт, нас баралт, хаяг, иргэний үнэмлэх, паспорт, регистрийн дугаар.',
    descriptionEn: 'Births, marriages, deaths, addresses, ID cards, passports and register numbers.' },
  { id: 'property-land', nameMn: 'Үл хөдлөх хөрөнгө, газар', nameEn: 'Property and land',
    descriptionMn: 'Үл хөдлөх хөрөнгийн бүртгэл, газар эзэмших, ашиглах эрх, кадастр.',
    descriptionEn: 'Real estate registration, land possession and use rights, cadastre.' },
  { id: 'transport', nameMn: 'Тээвэр, жолооч', nameEn: 'Transport and driving',
    descriptionMn: 'Жолооны үнэмлэх, тээврийн хэрэгслийн бүртгэл, үзлэг, торгууль.',
    descriptionEn: 'Driving licences, vehicle registration, inspections and fines.' },
  { id: 'tax-finance', nameMn: 'Татвар, санхүү', nameEn: 'Tax and finance',
    descriptionMn: 'Татвар төлөгчийн бүртгэл, тодорхойлолт, төрийн үйлчилгээний төлбөр, зээлийн мэдээлэл.',
    descriptionEn: 'Taxpayer registration and certificates, state fees, credit information.' },
  { id: 'social-welfare', nameMn: 'Нийгмийн даатгал, халамж', nameEn: 'Social insurance and welfare',
    descriptionMn: 'Нийгмийн даатгалын шимтгэл, тэтгэвэр, тэтгэмж, хүүхдийн мөнгө, халамжийн үйлчилгээ.',
    descriptionEn: 'Social insurance contributions, pensions, benefits, child money and welfare.' },
  { id: 'health', nameMn: 'Эрүүл мэнд', nameEn: 'Health',
    descriptionMn: 'Эрүүл мэндийн даатгал, вакцинжуулалт, эмнэлгийн цаг, жор.',
    descriptionEn: 'Health insurance, vaccinations, hospital appointments and prescriptions.' },
  { id: 'education', nameMn: 'Боловсрол', nameEn: 'Education',
    descriptionMn: 'Цэцэрлэг, сургуулийн элсэлт, ЭЕШ, гэрчилгээ, диплом.',
    descriptionEn: 'Kindergarten and school enrolment, entrance exams, certificates and diplomas.' },
  { id: 'business', nameMn: 'Бизнес, хуулийн этгээд', nameEn: 'Business and legal entities',
    descriptionMn: 'Хуулийн этгээдийн бүртгэл, оноосон нэр, тусгай зөвшөөрөл, эцсийн өмчлөгч.',
    descriptionEn: 'Company registration, company names, licences and beneficial owners.' },
  { id: 'foreigners', nameMn: 'Гадаадын иргэн, хил', nameEn: 'Foreigners, immigration and borders',
    descriptionMn: 'Виз, оршин суух зөвшөөрөл, гадаадын иргэний бүртгэл, хилээр нэвтрэх.',
    descriptionEn: 'Visas, residence permits, registration of foreigners and border crossing.' },
  { id: 'justice-safety', nameMn: 'Хууль зүй, аюулгүй байдал', nameEn: 'Justice, police and safety',
    descriptionMn: 'Эрүүгийн хариуцлагын лавлагаа, шүүхийн шийдвэр, нотариат, онцгой байдал.',
    descriptionEn: 'Criminal record checks, court decisions, notaries and emergency services.' },
  { id: 'labour', nameMn: 'Хөдөлмөр эрхлэлт', nameEn: 'Work and employment',
    descriptionMn: 'Ажил хайх, ажилгүйдэл, хөдөлмөрийн гэрээ, мэргэжлийн сургалт.',
    descriptionEn: 'Finding work, unemployment, employment contracts and vocational training.' },
  { id: 'environment-agriculture', nameMn: 'Байгаль орчин, хөдөө аж ахуй', nameEn: 'Environment and agriculture',
    descriptionMn: 'Мал тооллого, малчид, ой, ус, газар тариалан, байгаль хамгаалал.',
    descriptionEn: 'Livestock census, herders, forests, water, farming and nature protection.' },
  { id: 'construction-utilities', nameMn: 'Барилга, хот байгуулалт', nameEn: 'Construction and urban development',
    descriptionMn: 'Барилгын зөвшөөрөл, ашиглалтад оруулах, инженерийн шугам сүлжээ.',
    descriptionEn: 'Building permits, commissioning, utility connections.' },
  { id: 'civic-participation', nameMn: 'Иргэний оролцоо', nameEn: 'Civic participation',
    descriptionMn: 'Сонгууль, өргөдөл гомдол, санал асуулга, цэргийн бүртгэл.',
    descriptionEn: 'Elections, petitions and complaints, consultations, military registration.' },
];

export interface SeedLifeEvent {
  id: string;
  nameMn: string;
  nameEn: string;
}

export const seedLifeEvents: SeedLifeEvent[] = [
  { id: 'having-a-child', nameMn: 'Хүүхэдтэй болох', nameEn: 'Having a child' },
  { id: 'getting-married', nameMn: 'Гэрлэх, гэр бүл', nameEn: 'Marriage and family' },
  { id: 'moving-home', nameMn: 'Шилжин суурьших', nameEn: 'Moving home' },
  { id: 'going-to-school', nameMn: 'Сургуульд орох', nameEn: 'Going to school or university' },
  { id: 'finding-work', nameMn: 'Ажил хайх, ажилгүй болох', nameEn: 'Finding or losing work' },
  { id: 'starting-a-business', nameMn: 'Бизнес эхлүүлэх', nameEn: 'Starting a business' },
  { id: 'buying-a-home', nameMn: 'Орон сууц, газар авах', nameEn: 'Buying a home or land' },
  { id: 'owning-a-car', nameMn: 'Машинтай болох, жолоодох', nameEn: 'Owning and driving a car' },
  { id: 'travelling-abroad', nameMn: 'Гадаад явах', nameEn: 'Travelling abroad' },
  { id: 'health-care', nameMn: 'Эмчлүүлэх', nameEn: 'Getting health care' },
  { id: 'retiring', nameMn: 'Тэтгэвэрт гарах', nameEn: 'Retiring' },
  { id: 'death-of-relative', nameMn: 'Ар гэрийн гачигдал', nameEn: 'Death of a relative' },
  { id: 'coming-to-mongolia', nameMn: 'Монголд ирэх, амьдрах', nameEn: 'Coming to live in Mongolia' },
];
