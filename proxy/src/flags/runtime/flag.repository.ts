import { EventEmitter } from "node:events";
import type { Unleash, UnleashConfig } from "unleash-client";
import type { FlagFeature } from "../flags-file.js";

// The SDK does not export these from its entry point; derive them from what it does export.
type RepositoryInterface = NonNullable<UnleashConfig["repository"]>;
type FeatureInterface = NonNullable<ReturnType<Unleash["getFeatureToggleDefinition"]>>;
type EnhancedFeatureInterface = ReturnType<RepositoryInterface["getTogglesWithSegmentData"]>[number];
type Segment = NonNullable<ReturnType<RepositoryInterface["getSegment"]>>;

/**
 * An unleash-client repository over feature definitions held in memory (Unleash's own client format), so the
 * SDK's strategies — flexibleRollout with its murmur-hash bucketing — evaluate them exactly as for a server.
 * `setFeatures` swaps the definitions; FileFlagRepository feeds it from the flags file.
 * @example const unleash = new Unleash({ appName: "p", url: "http://flags-file.invalid/", repository: new FlagRepository(features), disableMetrics: true });
 */
export class FlagRepository extends EventEmitter implements RepositoryInterface {
  private data = new Map<string, FeatureInterface>();
  private ready = false;

  constructor(features: FlagFeature[] = []) {
    super();
    this.on("error", () => undefined); // Unleash re-emits repository errors; never let one crash the process
    this.replace(features);
  }

  /** Replaces every definition and tells the SDK (ready on the first call, changed on each). */
  setFeatures(features: FlagFeature[]): void {
    this.replace(features);
    this.markReady();
    this.emit("changed", this.getToggles());
  }

  async start(): Promise<void> {
    this.markReady();
    this.emit("changed", this.getToggles());
  }

  stop(): void {
    this.ready = false;
  }

  getToggle(name: string): FeatureInterface | undefined {
    return this.data.get(name);
  }

  getToggles(): FeatureInterface[] {
    return [...this.data.values()];
  }

  getTogglesWithSegmentData(): EnhancedFeatureInterface[] {
    return this.getToggles() as unknown as EnhancedFeatureInterface[];
  }

  getSegment(_id: number): Segment | undefined {
    return undefined; // segments are not used by the flags file format
  }

  private replace(features: FlagFeature[]): void {
    this.data = new Map(features.map((f) => [f.name, { ...f, project: "default" } as unknown as FeatureInterface]));
  }

  private markReady(): void {
    if (this.ready) return;
    this.ready = true;
    process.nextTick(() => this.emit("ready"));
  }
}
