// A valid service, as the admin form and the API receive it, for tests.
export function serviceFields(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    'name-mn': 'Малчны үнэмлэх олгох',
    'name-en': 'Herder card issuance',
    slug: '',
    'summary-mn': 'Малчин иргэнд малчны үнэмлэх олгоно.',
    'summary-en': 'Issues a herder card to a herder.',
    'description-mn': 'Мал маллаж амьдардаг иргэн малчны үнэмлэх авч, хөнгөлөлт эдэлнэ.',
    'description-en': 'Citizens who live by herding get a herder card and the benefits that come with it.',
    agencyId: 'gasr',
    sectorId: 'environment-agriculture',
    audiences: ['citizen'],
    lifeEvents: [],
    kind: 'application',
    feeMnt: '1,500',
    'processingTime-value': '5',
    'processingTime-unit': 'working_days',
    channels: ['portal', 'operator'],
    'requirements-mn': 'Иргэний үнэмлэх\nМалын тооллогын лавлагаа',
    'requirements-en': 'Citizen ID card\nLivestock census reference',
    'legalBasis-mn': '',
    'legalBasis-en': '',
    status: 'active',
    exchangeService: '',
    'keywords-mn': 'малчин, үнэмлэх',
    'keywords-en': 'herder',
    ...overrides,
  };
}

export function serviceJson(overrides: Record<string, unknown> = {}) {
  return {
    name: { mn: 'Шонхор шувуугаар ан хийх зөвшөөрөл', en: 'Falconry permit' },
    summary: { mn: 'Ан агнах зөвшөөрөл олгоно.', en: 'Issues a hunting permit.' },
    description: { mn: 'Ан агнуурын улиралд зөвшөөрөл олгоно.', en: 'Permits are issued for the hunting season.' },
    agencyId: 'gasr',
    sectorId: 'environment-agriculture',
    lifeEvents: [],
    audiences: ['citizen', 'foreigner'],
    kind: 'application',
    feeMnt: 20000,
    processingTime: { value: 3, unit: 'working_days' },
    channels: ['portal'],
    requirements: { mn: ['Иргэний үнэмлэх'], en: ['ID card'] },
    legalBasis: { mn: 'Амьтны тухай хууль', en: 'Law on Fauna' },
    status: 'planned',
    exchangeService: null,
    keywords: { mn: [], en: ['hunting'] },
    ...overrides,
  };
}
