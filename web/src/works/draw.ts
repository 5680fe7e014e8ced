// Drawing a work on the map with terra-draw's MapLibre adapter: a trench as a line, a site as a
// polygon, a pit, drilling or crane as a point. One feature at a time; once drawn it is selected
// in terra-draw's select mode, whose coordinates (and midpoints, for new vertices) can be
// dragged. The caller hears of every change and of the end of each drag.
import type * as maplibregl from 'maplibre-gl';
import {
  TerraDraw,
  TerraDrawLineStringMode,
  TerraDrawPointMode,
  TerraDrawPolygonMode,
  TerraDrawSelectMode,
  type GeoJSONStoreFeatures,
} from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';

export type Shape = 'line' | 'polygon' | 'point';
export type Geometry =
  | { type: 'LineString'; coordinates: number[][] }
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'Point'; coordinates: number[] };

const modeOf: Record<Shape, string> = { line: 'linestring', polygon: 'polygon', point: 'point' };
const ink = '#0d47a1';

export interface DrawEvents {
  changed(): void; // the geometry changed (while drawing, dragging, or finished)
  dragEnded(): void; // a vertex or the whole feature was let go: preview at once
  finished(): void; // a feature is complete
}

export class WorkDrawing {
  private draw: TerraDraw;
  private id: string | number | null = null;
  private shape: Shape | null = null;

  constructor(map: maplibregl.Map, private readonly events: DrawEvents) {
    const editable = { feature: { draggable: true, coordinates: { draggable: true, midpoints: true, deletable: true } } };
    this.draw = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map, coordinatePrecision: 9 }),
      modes: [
        new TerraDrawLineStringMode({ styles: { lineStringColor: ink, lineStringWidth: 4, closingPointColor: ink } }),
        // Self-intersecting rings are let through: the server says what is wrong with them in
        // GEOS's words, next to the drawing.
        new TerraDrawPolygonMode({ styles: { fillColor: ink, fillOpacity: 0.2, outlineColor: ink, outlineWidth: 3 } }),
        new TerraDrawPointMode({ styles: { pointColor: ink, pointWidth: 7 } }),
        new TerraDrawSelectMode({
          flags: { linestring: editable, polygon: editable, point: { feature: { draggable: true } } },
          styles: { selectedLineStringColor: ink, selectedPolygonColor: ink, selectedPolygonOutlineColor: ink, selectedPointColor: ink, selectionPointWidth: 8, midPointWidth: 5 },
          // The selection stays: a click beside the work must not drop its handles.
          allowManualDeselection: false,
        }),
      ],
    });
    this.draw.start();
    this.draw.on('change', (ids, type) => {
      if (type === 'styling') return;
      if (this.id !== null && ids.includes(this.id)) this.events.changed();
    });
    this.draw.on('finish', (id, ctx) => {
      if (ctx.action === 'draw') {
        this.id = id;
        this.select();
        this.events.finished();
        this.events.changed();
        return;
      }
      this.events.dragEnded();
    });
  }

  // Starts drawing a new feature of this shape; the previous one goes.
  begin(shape: Shape): void {
    this.draw.clear();
    this.id = null;
    this.shape = shape;
    this.draw.setMode(modeOf[shape]);
    this.events.changed();
  }

  // Loads a stored work's geometry for editing.
  load(geometry: Geometry): void {
    this.draw.clear();
    const shape: Shape = geometry.type === 'LineString' ? 'line' : geometry.type === 'Polygon' ? 'polygon' : 'point';
    this.shape = shape;
    this.draw.setMode('select');
    // terra-draw refuses coordinates finer than its precision (9 decimals, 0.1 mm); the server's
    // round trip through its metric CRS gives 15.
    const rounded = JSON.parse(JSON.stringify(geometry), (_, v: unknown) => (typeof v === 'number' ? Math.round(v * 1e9) / 1e9 : v)) as Geometry;
    const feature = { type: 'Feature', geometry: rounded, properties: { mode: modeOf[shape] } } as GeoJSONStoreFeatures;
    const [result] = this.draw.addFeatures([feature]);
    this.id = result && result.valid && result.id !== undefined ? result.id : null;
    if (this.id !== null) this.draw.selectFeature(this.id);
  }

  private select(): void {
    if (this.id === null) return;
    this.draw.setMode('select');
    this.draw.selectFeature(this.id);
  }

  currentShape(): Shape | null {
    return this.shape;
  }

  geometry(): Geometry | null {
    if (this.id === null) return null;
    const f = this.draw.getSnapshotFeature(this.id);
    return f ? (f.geometry as Geometry) : null;
  }

  stop(): void {
    this.draw.clear();
    this.draw.stop();
    this.id = null;
    this.shape = null;
  }
}
