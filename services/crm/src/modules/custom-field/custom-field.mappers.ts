// What the generated resolver types use as parents (see @platform/codegen).
import type { CustomFieldDefinition } from './domain/custom-field';

export type CustomFieldDefinitionMapper = CustomFieldDefinition;
export { CustomFieldDataType, CustomFieldEntityType } from './domain/data-types';
export { CustomFieldDefinitionOrderField } from './domain/custom-field';
