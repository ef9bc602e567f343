import 'reflect-metadata';
import { MetadataStorage } from '@mikro-orm/core';

// MikroORM keeps entity metadata in a process-wide store; metadata cached by the global setup or
// an earlier test file belongs to another jest realm and is cloned wrongly (mikro-orm#3783).
// Each test file starts from its own decorators.
MetadataStorage.clear();
