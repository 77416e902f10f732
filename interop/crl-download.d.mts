export interface CrlDownloadEnv {
  verifyCli(argv: readonly string[]): Promise<string>;
}
export function crlDownloadCases(): { name: string; run(env: CrlDownloadEnv): Promise<void> }[];
