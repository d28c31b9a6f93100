// The sidebar's "Copy link" and "Save view" (a Streamlit components-v2 component: it runs in the
// page itself). The link is the page's address with the border map's current centre and zoom
// (which the map keeps on its iframe element as data-pkir-view, views/map/static/bridge.js), so it
// is right even between two of the map's own writes to the address. Copying needs no network;
// where the clipboard is refused (a plain-http address other than localhost, a denied permission)
// the link is shown selected, to copy by hand.
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement;
  const names = (data && data.names) || { c: 'c', z: 'z' };
  const copy = root.querySelector('.pkir-copy');
  const status = root.querySelector('.pkir-status');
  const field = root.querySelector('.pkir-url');
  const name = root.querySelector('.pkir-name');
  const save = root.querySelector('.pkir-save');
  if (!copy) return;
  root.querySelector('.pkir-save-row').hidden = !(data && data.canSave);

  function currentUrl() {
    const url = new URL(window.location.href);
    for (const frame of document.querySelectorAll('iframe[data-pkir-view]')) {  // the border map's
      let view = null;
      try { view = JSON.parse(frame.getAttribute('data-pkir-view') || 'null'); } catch (e) { view = null; }
      if (view) { url.searchParams.set(names.c, view.c); url.searchParams.set(names.z, view.z); }
      else { url.searchParams.delete(names.c); url.searchParams.delete(names.z); }
    }
    return url;
  }

  function showToSelect(text) {
    field.hidden = false;
    field.value = text;
    field.focus();
    field.select();
    status.textContent = 'Copy the selected link (Ctrl+C or ⌘C).';
  }

  copy.onclick = () => {
    const text = currentUrl().toString();
    field.value = text;
    root.host && root.host.setAttribute('data-link', text);
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        () => { field.hidden = true; status.textContent = 'Link copied.'; },
        () => showToSelect(text)
      );
    } else {
      showToSelect(text);
    }
  };

  save.onclick = () => {
    const params = {};
    currentUrl().searchParams.forEach((value, key) => { (params[key] = params[key] || []).push(value); });
    setTriggerValue('save', { name: name.value, params: params });
    name.value = '';
  };
  name.onkeydown = (e) => { if (e.key === 'Enter') save.click(); };
}
