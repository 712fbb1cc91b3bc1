// Progressive enhancement only: every page works without this file.
import { initAll } from '/assets/govuk-frontend.min.js';
initAll();

// Switching language keeps what was typed but not yet sent. The language links stay plain links in
// the shared header (they work on every page, cached ones too); with JavaScript, before one is
// followed, the form fields that differ from what the page came with are kept for that tab only
// (sessionStorage, never sent anywhere) and put back into the same page in the other language.
// Files cannot be put back into a file field by a page, so a chosen file has to be chosen again.
const unsentKey = (path) => `urtuu-unsent:${path.replace(/^\/(mn|en)(?=\/|$)/, '')}`;
const typedFields = (form) => [...form.elements].filter((field) => field.name && field.name !== '_csrf' && !['hidden', 'file', 'submit', 'button', 'password'].includes(field.type));
const postForms = () => [...document.querySelectorAll('main form')].filter((form) => form.method === 'post');

try {
  const saved = sessionStorage.getItem(unsentKey(location.pathname));
  if (saved) {
    sessionStorage.removeItem(unsentKey(location.pathname));
    const values = JSON.parse(saved);
    postForms().forEach((form, index) => {
      const kept = values[index] ?? {};
      for (const field of typedFields(form)) {
        if (!(field.name in kept)) continue;
        const value = kept[field.name];
        if (field.type === 'radio' || field.type === 'checkbox') field.checked = [value].flat().includes(field.value);
        else field.value = [value].flat()[0] ?? '';
      }
    });
  }
} catch {
  // Storage refused (a private window): the switch works as a plain link.
}

for (const link of document.querySelectorAll('.govuk-language-navigation__link')) {
  link.addEventListener('click', () => {
    const values = postForms().map((form) => {
      const kept = {};
      const changed = typedFields(form).some((field) => (field.type === 'radio' || field.type === 'checkbox' ? field.checked !== field.defaultChecked : field.value !== field.defaultValue));
      if (!changed) return kept;
      for (const field of typedFields(form)) {
        if (field.type === 'radio' || field.type === 'checkbox') {
          if (field.checked) kept[field.name] = [...[kept[field.name] ?? []].flat(), field.value];
          else kept[field.name] ??= [];
        } else kept[field.name] = field.value;
      }
      return kept;
    });
    if (values.some((kept) => Object.keys(kept).length > 0)) {
      try {
        sessionStorage.setItem(unsentKey(new URL(link.href).pathname), JSON.stringify(values));
      } catch {
        // Nothing kept; the link is followed all the same.
      }
    }
  });
}
