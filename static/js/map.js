// The registry map: buildings as points coloured by class. Tiles are optional (MAP_TILE_URL);
// without them the points still show the shape of the housing stock.
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("map");
  if (!el || typeof L === "undefined") return;
  const colours = { green: "#2e7d32", yellow: "#f9a825", red: "#c62828", unassessed: "#9e9e9e" };
  const map = L.map(el, { preferCanvas: true }).setView([41.3, 64.5], 6);
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
  }
  const layer = L.layerGroup().addTo(map);
  const form = document.getElementById("map-filters");
  const count = document.getElementById("map-count");

  async function load() {
    const params = new URLSearchParams(new FormData(form));
    const response = await fetch(`${el.dataset.pointsUrl}?${params}`);
    const data = await response.json();
    layer.clearLayers();
    const bounds = [];
    for (const [id, lat, lon, cls] of data.points) {
      const marker = L.circleMarker([lat, lon], {
        radius: 4, weight: 0.5, color: "#333", fillColor: colours[cls] || "#9e9e9e", fillOpacity: 0.85,
      });
      const href = el.dataset.buildingUrl.replace("/0/", `/${id}/`);
      marker.bindPopup(`<a href="${href}">${el.dataset.labelOpen}</a>`);
      layer.addLayer(marker);
      bounds.push([lat, lon]);
    }
    count.textContent = `${el.dataset.labelCount} ${data.points.length}`;
    if (bounds.length) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
    const url = new URL(window.location);
    url.search = params.toString();
    window.history.replaceState(null, "", url);
  }
  form.addEventListener("change", load);
  load();
});
