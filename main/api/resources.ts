/** The shipped resources folder, as the API service and its callers find it (located by main/script). */
export { resourcesDir } from '../script/resources';
