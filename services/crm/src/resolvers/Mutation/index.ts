import { createContact } from './createContact';

export const Mutation = { createContact };
