// The JSON the server sends (src/lab/json.cc, src/lab/qc_json.cc, src/lab/specimen_label.cc and
// the routes in src/server/api/). Fields the UI does not read are left out.

export type Role =
  | 'clerk'
  | 'technician'
  | 'technologist'
  | 'supervisor'
  | 'pathologist'
  | 'clinician'
  | 'admin'
  | 'interface';

export interface SessionUser {
  username: string;
  display_name: string;
  role: Role;
}

export interface SessionInfo {
  user: SessionUser;
  csrf_token: string;
  idle_expires_at: string;
  ends_at: string;
}

export interface Patient {
  id: number;
  mrn: string;
  family_name: string;
  given_name: string;
  birth_date: string;
  sex: 'F' | 'M' | 'O' | 'U';
  registered_at: string;
  registered_by: string;
}

export type Priority = 'routine' | 'asap' | 'stat';

export interface Order {
  id: number;
  order_number: string;
  patient_id: number;
  ordering_provider: string;
  priority: Priority;
  clinical_info: string;
  requested_codes: string[];
  ordered_at: string;
  ordered_by: string;
  tests?: string[]; // POST /api/orders: the tests the request expanded to
}

export type SpecimenStatus = 'collected' | 'received' | 'rejected';

export interface Specimen {
  id: number;
  accession_number: string;
  order_id: number;
  specimen_type: string;
  container_type: string;
  collected_at: string;
  collected_by: string;
  received_at: string | null;
  received_by: string;
  condition: string;
  status: SpecimenStatus;
  rejection_reason: string | null;
  rejection_comment: string;
  rejected_at: string | null;
  rejected_by: string;
}

export interface ResultValue {
  kind: 'numeric' | 'coded' | 'text';
  number: number | null;
  comparator: string;
  text: string;
  unit: string;
  decimals: number;
  reported: string;
}

export type ResultStatus = 'pending' | 'preliminary' | 'final' | 'corrected' | 'cancelled';
export type Flag = '' | 'L' | 'H' | 'LL' | 'HH' | 'A';

export interface TestResult {
  id: number;
  order_id: number;
  specimen_id: number | null;
  test_code: string;
  section: string;
  status: ResultStatus;
  value: ResultValue | null;
  flag: Flag;
  reference_range: string;
  entered_at: string | null;
  entered_by: string;
  measured_at: string | null;
  instrument: string;
  performed_by: string;
  released_at: string | null;
  released_by: string;
  corrected_at: string | null;
  corrected_by: string;
  correction_reason: string;
  cancelled_at: string | null;
  cancelled_by: string;
  cancel_reason: string;
  revision: number;
}

export interface HoldReason {
  category: string;
  action: string;
  rule: string;
  observed: string;
  threshold: string;
  message: string;
  suppresses: boolean;
}

export interface ResultRevision {
  result_id: number;
  revision: number;
  value: ResultValue;
  flag: Flag;
  reference_range: string;
  status: ResultStatus;
  released_at: string;
  released_by: string;
  replaced_at: string;
  replaced_by: string;
  reason: string;
}

export interface CriticalCall {
  id: number;
  result_id: number;
  result_revision: number;
  called_by: string;
  called_to: string;
  called_at: string;
  read_back_confirmed: boolean;
  notes: string;
  documented_at: string;
  documented_by: string;
}

export interface ResultDetail {
  result: TestResult;
  test_name: string | null;
  loinc: string | null;
  unit: string | null;
  section: string;
  revisions: ResultRevision[];
  critical_calls: CriticalCall[];
  holds: HoldReason[];
  comments: ResultComment[];
}

export interface ResultComment {
  id: number;
  result_id: number;
  text: string;
  on_report: boolean;
  written_at: string;
  written_by: string;
}

export interface PreviousValue {
  at: string;
  value: number | string | null;
  reported: string;
  flag: Flag;
  accession: string;
}

// GET /api/specimens/{acc}/results/{test}: the detail, the patient's earlier released values and
// the limits that apply to this patient. The limits' field names are read defensively
// (limitsOf() in format.ts), as the route may name them in more than one way.
export interface ResultReview extends ResultDetail {
  previous?: PreviousValue[];
  [extra: string]: unknown;
}

export interface SpecimenDetail {
  specimen: Specimen;
  order: Order;
  patient: Patient;
  results: ResultDetail[];
}

export interface OrderDetail {
  order: Order;
  patient: Patient;
  specimens: Specimen[];
  results: ResultDetail[];
}

// One page of GET /api/patients/{mrn}: orders newest first; `next` asks for the older ones.
export interface PatientRecord {
  patient: Patient;
  orders: { order: Order; specimens: Specimen[]; results: ResultDetail[] }[];
  next: string | null;
}

export interface PatientReport {
  patient: Patient;
  orders: OrderDetail[];
  produced_at: string;
}

export interface CumulativePoint {
  at: string;
  value: number | null;
  reported: string;
  flag: Flag;
  status: ResultStatus;
  accession: string;
}

export interface CumulativeTest {
  code: string;
  name: string;
  unit: string;
  points: CumulativePoint[];
}

export interface Cumulative {
  patient: Patient;
  tests: CumulativeTest[];
}

// Code 128 bars in module units (src/report/barcode.h): [first module, width].
export interface Barcode {
  symbology: 'code128';
  modules: number;
  quiet_zone: number;
  bars: [number, number][];
}

export interface Label {
  accession: string;
  check: string;
  patient_name: string;
  mrn: string;
  birth_date: string;
  specimen_type: string;
  container: string;
  priority?: Priority;
  tests: string[];
  collected_at: string;
  barcode?: Barcode;
}

// A worklist row names its specimen, order and patient; the rest is at GET /api/specimens/{acc}.
export interface WorklistRow {
  result: Pick<TestResult, 'id' | 'test_code' | 'section' | 'status' | 'value' | 'flag' | 'reference_range' | 'entered_at' | 'entered_by' | 'revision'>;
  specimen: Pick<Specimen, 'accession_number' | 'specimen_type' | 'status' | 'received_at'>;
  order: Pick<Order, 'order_number' | 'priority'>;
  patient: Pick<Patient, 'mrn' | 'family_name' | 'given_name' | 'birth_date' | 'sex'>;
  holds?: HoldReason[];
  test_name?: string | null;
  unit?: string | null;
}

// One page of GET /api/worklist: `next` is the cursor for the following page (null on the last).
export interface Worklist {
  section: string;
  rows: WorklistRow[];
  total: number;
  next: string | null;
}

export interface Section {
  code: string;
  name: string;
}

export interface CatalogTest {
  code: string;
  name: string;
  unit: string;
  section: string;
  specimen_type: string;
  container: string;
  loinc: string;
  calculated: boolean;
  decimals: number;
}

export interface CatalogPanel {
  code: string;
  name: string;
  tests: string[];
}

export interface Catalog {
  tests: CatalogTest[];
  panels: CatalogPanel[];
}

export interface QcPoint {
  at: string;
  value: number;
  z: number | null;
  run_id: number;
  status?: string;
  rejected: boolean;
  rules: unknown[];
  corrective_action: string;
  level?: string | number;
  lot?: string;
}

export interface QcChart {
  mean: number;
  sd: number;
  unit: string | null;
  points: QcPoint[];
  [extra: string]: unknown;
}

export interface QcRunValue {
  material_id: number;
  level: string;
  lot: string;
  value: number;
  target_mean: number;
  target_sd: number;
}

export interface QcRun {
  id: number;
  instrument: string;
  test_code: string;
  measured_at: string;
  values: QcRunValue[];
  status: string;
  rules: string;
  violations: unknown;
  source: string;
  recorded_at: string;
  recorded_by: string;
  corrective_action: string;
  corrected_at: string | null;
  corrected_by: string;
}

export interface QcTarget {
  id: number;
  material_id: number;
  instrument: string;
  test_code: string;
  mean: number;
  sd: number;
  level?: string | number;
  lot?: string;
}

export interface QcMaterial {
  id: number;
  product: string;
  lot: string;
  level: string;
  expires_on: string;
}

export interface TatGroup {
  priority: Priority;
  section: string;
  count: number;
  median_minutes: number | null;
  p90_minutes: number | null;
  target_minutes: number | null;
  outside_target: number;
}

export interface TatOutside {
  accession: string;
  test: string;
  priority: Priority;
  minutes: number;
  target_minutes: number;
  section?: string;
}

export interface Turnaround {
  from: string;
  to: string;
  groups: TatGroup[];
  outside_target: TatOutside[];
}

export interface LabEvent {
  type: 'result' | 'specimen' | 'reconnected';
  action?: string;
  accession?: string;
  test?: string;
  section?: string;
  status?: string;
  at?: string;
}

// The lab's people (src/lab/people_json.cc, src/server/api/people_routes.cc).

export interface Certification {
  credential: string;
  number: string;
  issued: string | null;
  expires: string | null;
}

export interface StateLicence {
  state: string;
  type: string;
  number: string;
  expires: string | null;
}

export interface PersonRecord {
  person: string;
  name: string;
  role: Role;
  employment_start: string | null;
  certifications: Certification[];
  licences: StateLicence[];
  education: {
    degree: string;
    semester_hours_total: number;
    experience: ExperiencePeriod[];
    undated_experience_months: number;
  };
}

// A time of clinical laboratory work; `to` null while it continues.
export interface ExperiencePeriod {
  laboratory: string;
  from: string;
  to: string | null;
  full_time_share: number;
  areas: string[];
}

export interface CompetencyEvent {
  id: number;
  test_system: string;
  event: 'started' | 'assessed' | 'method-changed';
  date: string;
  assessor: string;
  elements: Record<string, string>;
  notes: string;
}

export type CompetencyState = 'current' | 'due-soon' | 'overdue' | 'needed-for-new-method' | 'no-start-recorded';

export interface CompetencyOnSystem {
  test_system: string;
  state: CompetencyState;
  due: string | null;
  requirement: string;
  events: CompetencyEvent[];
}

export interface CeActivity {
  id: number;
  date: string;
  category: string;
  points: number;
  provider: string;
  title: string;
}

export interface QualificationException {
  id: number;
  section: string;
  test_system: string;
  from: string;
  until: string;
  reason: string;
  granted_by: string;
}

export interface PersonSummary {
  person: PersonRecord;
  on: string;
  competency: CompetencyOnSystem[];
  ce_activities: CeActivity[];
  exceptions: QualificationException[];
}

export interface ExpiringItem {
  person: string;
  kind: 'certification' | 'licence' | 'competency';
  what: string;
  due: string;
  days_left: number;
}

export interface Expiring {
  on: string;
  within: number;
  items: ExpiringItem[];
}

export interface EligibilityRoute {
  credential: string;
  route: string;
  summary: string;
  verify: boolean;
  eligible: boolean;
  missing: string[];
  confirm: string[];
  experience_months: number | null;
  experience_met_on: string | null;
}

export interface QualificationPolicy {
  enforced: boolean;
  state: string;
}
