// The directory map: Leaflet (django-leaflet's static copy, loaded before this
// module as a classic deferred script) with clusters computed by the server.
//
// The map asks /…/map/locations.geojson for the visible window at the current
// zoom, with the page's filters; the server answers clusters (a count and a
// centre) and single places (with their popup content). Clicking a cluster
// zooms in. Text from the server goes into the DOM as text, never as HTML.
// Without JavaScript, or if Leaflet is missing, the list beside the map
// shows the same places.

const element = document.querySelector("[data-directory-map]");
const L = window.L;

const format = (template, values) =>
  template.replace(/%\((\w+)\)s/g, (_, key) => String(values[key] ?? ""));

const create = (tag, attributes = {}, text = "") => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
};

const popupContent = (properties, labels) => {
  const box = create("div", { class: "map-popup" });
  const heading = create("h3", properties.lang ? { lang: properties.lang } : {});
  heading.append(create("a", { href: properties.url }, properties.organisation));
  box.append(heading);
  if (properties.name && properties.name !== properties.organisation) {
    box.append(create("p", {}, properties.name));
  }
  if (properties.address) box.append(create("p", {}, properties.address));
  if (properties.services.length) {
    box.append(create("p", {}, labels.services));
    const list = create("ul");
    for (const service of properties.services) {
      const item = create("li");
      item.append(create("a", { href: service.url }, service.name));
      list.append(item);
    }
    if (properties.more_services) {
      list.append(create("li", {}, format(labels.more, { count: properties.more_services })));
    }
    box.append(list);
  }
  const more = create("p");
  more.append(create("a", { href: properties.url }, labels.organisation));
  box.append(more);
  return box;
};

if (element && L) {
  const data = element.dataset;
  const labels = {
    cluster: data.labelCluster,
    services: data.labelServices,
    more: data.labelMore,
    organisation: data.labelOrganisation,
    error: data.labelError,
  };
  const status = document.getElementById("map-status");
  element.querySelector(".map__fallback")?.remove();

  const [lat, lng] = data.center.split(",").map(Number);
  const map = L.map(element, { center: [lat, lng], zoom: Number(data.zoom), scrollWheelZoom: false });
  L.tileLayer(data.tilesUrl, { attribution: data.tilesAttribution, maxZoom: 19 }).addTo(map);
  const layer = L.layerGroup().addTo(map);

  const shown = new Map();
  const keyOf = (feature) => {
    const { kind, id, count } = feature.properties;
    if (kind !== "cluster") return `p:${id}`;
    return `c:${map.getZoom()}:${feature.geometry.coordinates.join(",")}:${count}`;
  };

  let query = window.location.search.replace(/^\?/, "");
  let controller = null;

  const clusterMarker = (feature) => {
    const [lon, la] = feature.geometry.coordinates;
    const { count, expansion_zoom: zoom } = feature.properties;
    const size = count < 10 ? 34 : count < 100 ? 42 : 50;
    const label = format(labels.cluster, { count });
    const icon = L.divIcon({
      className: "map-cluster",
      html: create("span", { "aria-hidden": "true" }, String(count)),
      iconSize: [size, size],
    });
    const marker = L.marker([la, lon], { icon, title: label, alt: label, keyboard: true });
    marker.on("click", () => map.setView([la, lon], Math.max(zoom, map.getZoom() + 1)));
    marker.on("add", () => {
      const node = marker.getElement();
      if (node) {
        node.setAttribute("role", "button");
        node.setAttribute("aria-label", label);
      }
    });
    return marker;
  };

  const pointMarker = (feature) => {
    const [lon, la] = feature.geometry.coordinates;
    const properties = feature.properties;
    const title = properties.address
      ? `${properties.organisation} — ${properties.address}`
      : properties.organisation;
    return L.marker([la, lon], { title, alt: title, keyboard: true }).bindPopup(
      () => popupContent(properties, labels),
    );
  };

  const load = async () => {
    const bounds = map.getBounds();
    const params = new URLSearchParams(query);
    params.delete("page");
    params.set("zoom", String(map.getZoom()));
    params.set(
      "bbox",
      [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
        .map((n) => Math.max(-180, Math.min(180, n)).toFixed(5))
        .join(","),
    );
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const response = await fetch(`${data.geojsonUrl}?${params}`, {
        headers: { Accept: "application/geo+json" },
        credentials: "same-origin",
        signal: controller.signal,
      });
      if (!response.ok) throw new Error(String(response.status));
      const collection = await response.json();
      // Keep the markers that are still there (an open popup stays open when
      // the map pans to show it); add the new ones, remove the others.
      const wanted = new Map();
      for (const feature of collection.features) wanted.set(keyOf(feature), feature);
      for (const [key, marker] of shown) {
        if (!wanted.has(key)) {
          layer.removeLayer(marker);
          shown.delete(key);
        }
      }
      for (const [key, feature] of wanted) {
        if (shown.has(key)) continue;
        const marker =
          feature.properties.kind === "cluster" ? clusterMarker(feature) : pointMarker(feature);
        shown.set(key, marker);
        layer.addLayer(marker);
      }
      if (status) status.textContent = "";
    } catch (error) {
      if (error.name === "AbortError") return;
      if (status) status.textContent = labels.error;
    }
  };

  map.on("moveend", load);
  document.addEventListener("directory:search-changed", (event) => {
    query = event.detail.query;
    layer.clearLayers();
    shown.clear();
    load();
  });
  load();
}
