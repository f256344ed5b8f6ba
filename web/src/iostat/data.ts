// The iostat page's data island (schema "kashika.iostat-chart/2"), as Kashika.Reports.IoStat.IoStatChartDocument
// writes it (C# records IoStatChartDocument, ColumnHelp, DeviceColumns, ZoneOffset). A test type-checks real pages'
// islands against these types, so the two cannot drift.

export interface IoStatChartDocument {
  schema: string;
  generator: string;
  host: string;
  kernel: string;
  timeZone: string;
  /** The recording's UTC offset from sample `from` on (a change of daylight saving time starts a new one). */
  offsets: ZoneOffset[];
  /** The first sample's time (ms since the epoch), then each sample's step from the one before. */
  timeSteps: number[];
  columns: ColumnHelp[];
  /** CPU columns (%user, %system…) per sample. */
  cpu: Record<string, number[]>;
  devices: DeviceColumns[];
}

export interface ZoneOffset {
  from: number;
  minutes: number;
}

/** A column's --explain text. */
export interface ColumnHelp {
  name: string;
  unit: string;
  text: string;
}

/** A device's columns per sample; null where the device was not there. kind: disk, partition, … */
export interface DeviceColumns {
  name: string;
  kind: string;
  values: Record<string, (number | null)[]>;
}
