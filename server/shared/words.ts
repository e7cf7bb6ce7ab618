// Lists in plain English for sentences built from data: "A, B and C".
const conjunction = new Intl.ListFormat('en-GB', { style: 'long', type: 'conjunction' });

export const listInWords = (items: readonly string[]) => conjunction.format(items);
