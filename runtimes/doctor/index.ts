/** runtimes/doctor/: the `dtrain doctor` workload (peer reachability and link speed between ranks). */
export { DEFAULT_SIZES, doctorWorkload } from './doctor-workload.js';
