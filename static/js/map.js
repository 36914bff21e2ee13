// The registry map: buildings as points coloured by class. Tiles are optional (MAP_TILE_URL);
// without them the points still show the shape of the housing stock.
// It opens on the box the page names (data-bounds: the user's region or building, chosen
// by the server); without one it fits the points. A change of region reloads the district
// options (the region's districts only) before the points.
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("map");
  if (!el || typeof L === "undefined") return;
  const colours = { green: "#2e7d32", yellow: "#f9a825", red: "#c62828", unassessed: "#9e9e9e" };
  const labelsNode = document.getElementById("map-class-labels");
  const labels = labelsNode ? JSON.parse(labelsNode.textContent) : {};
  const separator = el.dataset.thousandSeparator || "\u00a0";
  const grouped = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, separator);
  const initial = el.dataset.bounds ? JSON.parse(el.dataset.bounds) : null;
  const map = L.map(el, { preferCanvas: true });
  el.leafletMap = map; // for the browser tests: where the map opened
  if (initial) map.fitBounds(initial, { padding: [20, 20], maxZoom: 16 });
  else map.setView([41.3, 64.5], 6);
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
  }
  const layer = L.layerGroup().addTo(map);
  const form = document.getElementById("map-filters");
  const district = form.querySelector("select[name=district]");
  const count = document.getElementById("map-count");
  let keepView = Boolean(initial); // the first load keeps the view the server chose

  async function load() {
    const params = new URLSearchParams(new FormData(form));
    const response = await fetch(`${el.dataset.pointsUrl}?${params}`);
    if (!response.ok) return;
    const data = await response.json();
    layer.clearLayers();
    const bounds = [];
    for (const [id, lat, lon, cls] of data.points) {
      const marker = L.circleMarker([lat, lon], {
        radius: 4, weight: 0.5, color: "#333", fillColor: colours[cls] || "#9e9e9e", fillOpacity: 0.85,
      });
      const href = el.dataset.buildingUrl.replace("/0/", `/${id}/`);
      const label = labels[cls] ? ` (${labels[cls]})` : "";
      const link = document.createElement("a");
      link.href = href;
      link.textContent = `${el.dataset.labelOpen}${label}`;
      marker.bindPopup(link);
      layer.addLayer(marker);
      bounds.push([lat, lon]);
    }
    count.textContent = `${el.dataset.labelCount} ${grouped(data.points.length)}`;
    if (bounds.length && !keepView) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
    keepView = false;
    const url = new URL(window.location);
    url.search = params.toString();
    window.history.replaceState(null, "", url);
  }

  async function reloadDistricts() {
    const region = form.querySelector("select[name=region]").value;
    district.value = "";
    const response = await fetch(`${form.dataset.districtsUrl}?${new URLSearchParams({ region })}`);
    if (response.ok) district.innerHTML = await response.text();
  }

  form.addEventListener("change", async (event) => {
    if (event.target.name === "region") await reloadDistricts();
    load();
  });
  load();
});
